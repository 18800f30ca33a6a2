"""The network lab's mock rules and HAR replay (issue 13 parts 1 and 4; docs/mocking.md).

Sits in ``net/`` between the policy check and the transport (design.md): a mocked call
still makes a flow, obeys the policy and the caps, and streams through the API's own
reading path (progress, limits, sandbox files)::

    rules.py      the rule model, what a call is matched on, the live ordered list
    load.py       rules from JSON (settings ``mocks``, ``--mock FILE``), checked
    answers.py    HTTP answers at the transport: respond, fail, rewrite
    dynamic.py    JS functions (a QuickJS context of their own) and Python callables
    templates.py  fake-data templates (Faker)
    sockets.py    scripted WebSocket servers
    replay.py     HAR replay, HTTP and WebSocket
    lab.py        one app's rules + replay, as a transport layer and a socket route
"""
