"""The one error type the library raises for bad input; the CLI turns it into a clean exit."""


class QuizgenError(Exception):
    """Bad input from a user (unknown family, bad difficulty, unwritable path, ...)."""
