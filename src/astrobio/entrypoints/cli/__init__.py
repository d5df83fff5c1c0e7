"""The ``astrobio`` admin CLI."""
