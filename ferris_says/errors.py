"""Errors the command turns into one line on stderr and an exit code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_RUNTIME_ERROR = 1
EXIT_USAGE_ERROR = 2
#: 128 + the signal number, what shells report for a command a signal ended.
EXIT_SIGINT = 130
EXIT_SIGTERM = 143


class FerrisError(Exception):
    """Something went wrong at run time (exit 1): a file, a variable, Dagster's context."""

    exit_code = EXIT_RUNTIME_ERROR


class FerrisUsageError(FerrisError):
    """The command was called wrongly (exit 2): nothing to say, a bad option."""

    exit_code = EXIT_USAGE_ERROR


class FerrisOutputError(FerrisError):
    """stdout cannot take the picture (exit 1): closed, full, or its reader left.

    ``quiet`` is set when the reader left (a broken pipe, ``| head``): that ends the command
    without a word, as the Rust binary's failed write does.
    """

    def __init__(self, message: str, quiet: bool = False):
        super().__init__(message)
        self.quiet = quiet


class FerrisInterrupted(FerrisError):
    """SIGINT or SIGTERM ended the run (exit 128 + the signal: 130, 143)."""

    def __init__(self, signum: int):
        import signal

        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = f"signal {signum}"
        super().__init__(f"interrupted by {name}")
        self.signum = signum
        self.exit_code = 128 + signum
