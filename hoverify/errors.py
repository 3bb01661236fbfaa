"""Errors that the command line reports in one line, with exit code 2."""


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit code 2, no traceback."""
