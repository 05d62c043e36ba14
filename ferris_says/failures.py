"""The one place an exception becomes what the user sees: one line on stderr and an exit status.

Every way out of the program goes through `report`: the plain path (`speak.run`), click's
(`command.FerrisCommand.main`), shell completion (`completion`), `cli.main` around both, and
`python -m ferris_says.show_messages`. `classify` is its pure part.

Each stage maps the failures it can meet to a FerrisError naming the variable, argument, file or
key at fault, so an input never reaches the last rule, ``unexpected <type>: ...``: that line is
a bug to fix where the exception came from (`tests/test_surfaces.py` gives every input surface
hostile values and fails on it).
"""

from __future__ import annotations

import sys

from ferris_says import streams
from ferris_says.errors import (
    EXIT_RUNTIME_ERROR,
    EXIT_SIGINT,
    EXIT_USAGE_ERROR,
    FerrisError,
    FerrisOutputError,
)

OUT_OF_MEMORY = "out of memory"
INTERRUPTED = "interrupted by SIGINT"
UNEXPECTED = "unexpected"


def classify(error: BaseException) -> tuple[str, int, bool]:
    """(the line, the exit status, quiet): a quiet failure prints its line only with -v (the
    reader of stdout left, as the Rust binary's failed write ends without a word)."""
    if isinstance(error, FerrisError):
        quiet = isinstance(error, FerrisOutputError) and error.quiet
        return _text(error), error.exit_code, quiet
    if isinstance(error, KeyboardInterrupt):
        return INTERRUPTED, EXIT_SIGINT, False
    if isinstance(error, BrokenPipeError):
        return streams.BROKEN_PIPE, EXIT_RUNTIME_ERROR, True
    if isinstance(error, OSError):
        return _os_error_line(error), EXIT_RUNTIME_ERROR, False
    if isinstance(error, MemoryError):
        return OUT_OF_MEMORY, EXIT_RUNTIME_ERROR, False
    if "click" in sys.modules:  # an exception can only be click's once click is loaded
        clicks = _click_failure(error)
        if clicks is not None:
            return clicks
    return f"{UNEXPECTED} {type(error).__name__}: {_text(error)}", EXIT_RUNTIME_ERROR, False


def report(error: BaseException, color: str = "auto", verbose: bool = False) -> int:
    """Say ``error`` on stderr (its traceback first with ``verbose``); return the exit status."""
    line, code, quiet = classify(error)
    if verbose:
        streams.report_traceback(error)
    if isinstance(error, MemoryError):
        _release_frames(error)  # what filled the memory; writing the line needs a little
    if isinstance(error, BrokenPipeError):
        streams.silence_stdout()  # so that Python's last flush does not fail (exit 120)
    if line and (not quiet or verbose):
        streams.report_error(line, color)
    return code


def _text(error: BaseException) -> str:
    try:
        return str(error)
    except Exception:  # an exception whose own __str__ fails still gets its line
        return f"({type(error).__name__} with a message that cannot be shown)"


def _os_error_line(error: OSError) -> str:
    reason = error.strerror or _text(error)
    if error.filename is not None:
        return f"{streams.show_path(error.filename)}: {reason}"
    return reason


def _release_frames(error: BaseException) -> None:
    """Clear the locals of the frames the traceback holds (the ones still running stay)."""
    tb = error.__traceback__
    while tb is not None:
        # contextlib.suppress would load contextlib on every start: the plain path avoids it.
        try:  # noqa: SIM105
            tb.tb_frame.clear()
        except RuntimeError:  # a frame still executing: the caller's
            pass
        tb = tb.tb_next
    error.__traceback__ = None


def _click_failure(error: BaseException) -> tuple[str, int, bool] | None:
    import click

    if isinstance(error, click.UsageError):  # one line, not click's usage block
        return f"{error.format_message()} (see {streams.program} --help)", EXIT_USAGE_ERROR, False
    if isinstance(error, click.ClickException):
        return error.format_message(), error.exit_code, False
    if isinstance(error, click.exceptions.Exit):
        return "", error.exit_code, True
    if isinstance(error, click.Abort):  # click turns Ctrl-C while it parses into Abort
        if isinstance(error.__context__, KeyboardInterrupt):
            return INTERRUPTED, EXIT_SIGINT, False
        return "aborted", EXIT_RUNTIME_ERROR, False
    return None
