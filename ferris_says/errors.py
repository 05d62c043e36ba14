"""Errors the command turns into one line on stderr and an exit code."""

from __future__ import annotations

import contextlib

# typing.TYPE_CHECKING would import typing on the plain path; mypy honours this name too.
TYPE_CHECKING = False
# The C module: `signal` itself costs a millisecond of the plain path's start. It has no stub,
# so type checkers read it as the `signal` module it backs.
if TYPE_CHECKING:
    import signal as signals
    from typing import Any
else:
    try:
        import _signal as signals
    except ImportError:  # pragma: no cover - not CPython
        import signal as signals

EXIT_OK = 0
EXIT_RUNTIME_ERROR = 1
EXIT_USAGE_ERROR = 2
#: 128 + the signal number, what shells report for a command a signal ended.
EXIT_SIGINT = 130
EXIT_SIGTERM = 143


class FerrisError(Exception):
    """Something went wrong at run time (exit 1): a file, a variable, Dagster's context.

    ``what`` went wrong, and ``where`` (the variable, argument or file it came through, when
    that is known apart from the text): the line is ``where: what``. A layer that knows the
    place better gives a new ``where``, never a rewrite of the text.
    """

    exit_code = EXIT_RUNTIME_ERROR

    def __init__(self, what: str = "", where: str | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.where = where

    def __str__(self) -> str:
        return self.what if self.where is None else f"{self.where}: {self.what}"


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
    """SIGINT, SIGTERM or another ending signal ended the run (exit 128 + the signal: 130,
    143, 129 for SIGHUP, ...)."""

    def __init__(self, signum: int):
        import signal

        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = f"signal {signum}"
        super().__init__(f"interrupted by {name}")
        self.signum = signum
        self.exit_code = 128 + signum


# ---- quoting input in errors ----------------------------------------------------------------
# Every value an error line (or Dagster's `closed`) quotes goes through `quoted`: escaped as
# Python's repr escapes it (control characters, ESC, NUL, lone surrogates, bidi controls: a
# terminal never receives them raw) and cut to a bounded length, with the length it had; a list
# shows how many there are and the first few. An error line stays a few KB whatever the input.

#: Characters of one quoted value shown in an error.
QUOTE_MAX_CHARS = 256
#: Items of a quoted list shown in an error (then "... (N in all)").
LIST_MAX_ITEMS = 5


def quoted(value: object, limit: int = QUOTE_MAX_CHARS) -> str:
    """``value`` as an error shows it: ``'text'`` escaped like a path, at most ``limit``
    characters of it, then ``... (N characters)``."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        return f"{text[:limit]!r}... ({len(text)} characters)"
    return repr(text)


def token(value: object) -> str:
    """A name as a list shows it: bare when it is a plain printable token (``ferris``,
    ``crabs/ferris``), else ``quoted``."""
    text = value if isinstance(value, str) else str(value)
    plain = 0 < len(text) <= QUOTE_MAX_CHARS and text.isprintable()
    if plain and not any(ch in text for ch in " ,'\"\\"):
        return text
    return quoted(text)


def quoted_list(values: list[str], limit: int = LIST_MAX_ITEMS) -> str:
    """``a, b, ...`` (each a ``token``) for at most ``limit`` values, then how many in all."""
    shown = ", ".join(token(value) for value in values[:limit])
    return shown if len(values) <= limit else f"{shown}, ... ({len(values)} in all)"


# ---- signals --------------------------------------------------------------------------------
# The signals that end a run the way SIGTERM does: one `interrupted by SIG...` line and exit
# 128 + N; in a Dagster session after `closed`, never in the middle of a message line. SIGHUP is
# a terminal closing or an SSH session dropping; SIGQUIT is Ctrl-\; SIGUSR1/2 and SIGALRM end a
# Python process by default; SIGXCPU is a CPU-time limit (`ulimit -t`) running out. SIGINT is
# Python's KeyboardInterrupt outside a session. SIGPIPE and SIGXFSZ are ignored by Python (a
# failed write says why instead); SIGKILL and SIGSTOP cannot be caught.
ENDING_SIGNAL_NAMES = ("SIGHUP", "SIGQUIT", "SIGTERM", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGXCPU")


def ending_signals() -> list[int]:
    """The numbers of ENDING_SIGNAL_NAMES this platform has."""
    found: list[int] = []
    for name in ENDING_SIGNAL_NAMES:
        number = getattr(signals, name, None)
        if isinstance(number, int):
            found.append(int(number))
    return found


def _raise_interrupted(signum: int, _frame: object) -> None:
    raise FerrisInterrupted(signum)


def end_on_signals() -> dict[int, Any]:
    """Outside a session: each ending signal raises FerrisInterrupted (unless it is ignored,
    as nohup ignores SIGHUP). Returns the handlers it replaced, for `restore_signals`."""
    replaced: dict[int, Any] = {}
    for signum in ending_signals():
        try:
            old = signals.getsignal(signum)
            if old == signals.SIG_IGN:
                continue
            signals.signal(signum, _raise_interrupted)
            replaced[signum] = old
        except (ValueError, OSError):  # not the main thread, or not catchable here
            pass
    return replaced


def restore_signals(replaced: dict[int, Any]) -> None:
    for signum, old in replaced.items():
        with contextlib.suppress(ValueError, OSError, TypeError):
            signals.signal(signum, old if old is not None else signals.SIG_DFL)
