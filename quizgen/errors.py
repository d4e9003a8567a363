"""The one error type the library raises for bad input, and how a terminate signal ends a run;
the CLI turns both into a clean exit."""


class QuizgenError(Exception):
    """Bad input from a user (unknown family, bad difficulty, unwritable path, ...)."""


def exit_on_signal(signum: int, frame: object) -> None:
    """A signal handler that ends the program as the shell reports a signal (128 + its
    number) through every ``finally`` block, so temporary files are still removed."""
    raise SystemExit(128 + signum)
