"""Errors the command turns into one line on stderr and an exit code."""

from __future__ import annotations

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


# ---- showing input in lines ------------------------------------------------------------------
# Every value a line quotes (an error, a -v trace, `closed`, a metadata note, a table cell) goes
# through `shown`, with a limit named for its place: escaped as Python's repr escapes it (control
# characters, ESC, NUL, bidi controls: a terminal never receives them raw; a surrogate escape,
# one byte of a name that is not UTF-8, as that byte: '\xff') and cut so that its UTF-8 is at
# most the limit, the cut saying how long the value was. The limits are bytes of what is shown:
# the line is measured once encoded, never in characters that may each take four bytes.

#: A value quoted in an error or a trace: a name, an option, a key.
VALUE_SHOWN = 256
#: A path, which may be a whole JSON string from Dagster's context.
PATH_SHOWN = 1024
#: A JSON value quoted from Dagster's params or context.
JSON_SHOWN = 120
#: The start of a value an error only recalls (a variable's base64 that is not base64).
SNIPPET_SHOWN = 40
#: A third party's own message quoted as the reason (a blob store SDK's error).
REASON_SHOWN = 300
#: A line on stderr (an error, a -v trace), its newline included.
STDERR_LINE = 4096
#: Items of a quoted list shown in an error (then "... (N in all)").
LIST_MAX_ITEMS = 5

#: What a surrogate escape stands for: the bytes U+DC80..U+DCFF carry (os.fsdecode, argv).
_SURROGATE_ESCAPES = ("\udc80", "\udcff")


def shown(value: object, limit: int, *, quote: bool = True, escape: bool = True) -> str:
    """``value`` as a line shows it, at most ``limit`` bytes of UTF-8.

    ``quote``: ``'text'`` as repr writes it (escapes included); else one line of text, each
    whitespace run one space, other unprintable characters escaped. ``escape=False`` keeps the
    text as it is (a traceback Dagster shows as text) and only cuts it. A cut value ends in
    ``... (N characters)``, within the limit.
    """
    text = value if isinstance(value, str) else str(value)
    whole = _render(text[: limit + 1], quote, escape)  # a character shows as a byte at least
    if len(text) <= limit and _size(whole) <= limit:
        return whole
    note = f"... ({len(text)} characters)"
    budget = limit - len(note)
    if budget < 3:  # no room for any of the text
        return note[: max(limit, 0)]
    count = _fitting(text[:budget], budget - (2 if quote and escape else 0), escape)
    part = _render(text[:count], quote, escape)
    while count > 0 and _size(part) > budget:  # the quotes repr chose cost a few bytes more
        count = max(0, count - (_size(part) - budget))
        part = _render(text[:count], quote, escape)
    return part + note


def _fitting(text: str, budget: int, escape: bool) -> int:
    """How many characters of ``text`` show within ``budget`` bytes (whitespace runs counted
    whole: folding them only makes the text shorter)."""
    used = 0
    for count, ch in enumerate(text):
        if ch.isprintable() or not escape:
            used += _size(ch) if ch > "\x7f" else 1
        else:
            used += len(_escaped_char(ch, ""))
        if used > budget:
            return count
    return len(text)


def _size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _render(text: str, quote: bool, escape: bool) -> str:
    if not escape:
        return text
    if quote:
        return _quoted(text)
    flat = " ".join(text.split())
    if flat.isprintable():
        return flat
    return "".join(ch if ch.isprintable() else _escaped_char(ch, "") for ch in flat)


def _quoted(text: str) -> str:
    written = repr(text)
    if "\\udc" not in written:
        return written
    mark = written[0]  # the quote repr chose
    return mark + "".join(_escaped_char(ch, mark) for ch in text) + mark


def _escaped_char(ch: str, mark: str) -> str:
    if _SURROGATE_ESCAPES[0] <= ch <= _SURROGATE_ESCAPES[1]:
        return f"\\x{ord(ch) - 0xDC00:02x}"
    if ch == mark or ch == "\\":
        return "\\" + ch
    return repr(ch)[1:-1] if not ch.isprintable() else ch


def token(value: object) -> str:
    """A name as a list shows it: bare when it is a plain printable token (``ferris``,
    ``crabs/ferris``), else ``shown``."""
    text = value if isinstance(value, str) else str(value)
    plain = 0 < len(text) <= VALUE_SHOWN and text.isprintable()
    if plain and not any(ch in text for ch in " ,'\"\\"):
        return text
    return shown(text, VALUE_SHOWN)


def quoted_list(values: list[str], limit: int = LIST_MAX_ITEMS) -> str:
    """``a, b, ...`` (each a ``token``) for at most ``limit`` values, then how many in all."""
    listed = ", ".join(token(value) for value in values[:limit])
    return listed if len(values) <= limit else f"{listed}, ... ({len(values)} in all)"


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
        # contextlib.suppress would load contextlib on every start: the plain path avoids it.
        try:  # noqa: SIM105
            signals.signal(signum, old if old is not None else signals.SIG_DFL)
        except (ValueError, OSError, TypeError):
            pass
