"""The simulator: the rendered page in a web view inside the phone frame."""
