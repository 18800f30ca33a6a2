"""The desktop window (PyQt6 on a qasync loop). Everything here only observes the core's
events and calls the AppHost's public methods; it never imports httpx or websockets."""
