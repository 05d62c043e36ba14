"""Errors the command turns into one line on stderr and an exit code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_RUNTIME_ERROR = 1
EXIT_USAGE_ERROR = 2


class FerrisError(Exception):
    """Something went wrong at run time (exit 1): a file, a variable, Dagster's context."""

    exit_code = EXIT_RUNTIME_ERROR


class FerrisUsageError(FerrisError):
    """The command was called wrongly (exit 2): nothing to say, a bad option."""

    exit_code = EXIT_USAGE_ERROR
