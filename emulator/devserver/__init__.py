"""The embedded HTTPS demo backend the sample apps talk to (offline, on 127.0.0.1)."""
