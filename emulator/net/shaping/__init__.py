"""Weak network and offline emulation (issue 13 part 2, docs/network-conditions.md):
profiles (:mod:`.profiles`), one app's conditions and its shared link
(:mod:`.conditions`), the HTTP transport layer (:mod:`.transport`) and the socket frame
schedule (:mod:`.frames`)."""
