"""The view layer: what is on the page. Today: what a page's templates declare."""
