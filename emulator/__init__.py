"""swan-emulator: run a Baidu smart mini-program's logic layer and inspect its network."""

__version__ = "0.1.0"
