"""The `ferris-says` command: parse the options, find the words, let Ferris say them.

The command is thin: the picture comes from `ferris_says.say`, the cast from
`ferris_says.characters`, the Dagster side from `ferris_says.pipes`. What lives here is where
the words come from, where the bytes go, and how failures become one line and an exit code.

Cold start: `ferris-says "what you want"` should cost at most twice `python -c pass`. click
alone costs more than starting Python does, so the command line is handed to click only when
it holds something click must parse (an option, `-`, `--`) or nothing at all; plain words go
straight to `run`, with the same defaults click would give. rich, cowsay, traceback, difflib
and dagster-pipes are imported only on the paths that use them.
"""

from __future__ import annotations

import os
import sys

from ferris_says import __version__, characters
from ferris_says.errors import (
    EXIT_OK,
    EXIT_RUNTIME_ERROR,
    EXIT_SIGINT,
    EXIT_USAGE_ERROR,
    FerrisError,
    FerrisOutputError,
    FerrisUsageError,
)

PROG = "ferris-says"

# Rust's orange, as on rust-lang.org and Ferris himself.
RUST_ORANGE = "#F74C00"

# Exit status after Ctrl-C: 128 + SIGINT, what shells report for an interrupted command.
EXIT_INTERRUPTED = EXIT_SIGINT

# The largest --width: the crate's `say` takes a usize, whose maximum is 2**64 - 1.
MAX_WIDTH = 2**64 - 1

# Text goes to stdout this many characters at a time, so the picture is never copied whole
# into a second, encoded buffer (a 40 MB input can draw a picture of hundreds of MB).
WRITE_CHUNK = 1 << 20

COLOR_CHOICES = ("auto", "always", "never")

HELP = """\
Print Ferris the crab saying WORDS, exactly as the Rust crate ferris-says 0.3.2 draws it.

WORDS are joined with one space. With no WORDS, or with `-` as the only word, the words are
read from stdin (unless stdin is a terminal: then there is nothing to say, a usage error).
--files says each file's content, one picture per file, as fsays does. Run by Dagster through
Pipes, the command also reports logs, two asset checks and a materialization; with no WORDS it
then says the words of the run's extras={"words": ...} and never waits on stdin.

\b
Examples:
  ferris-says "what you want"
  ferris-says --width 24 Hello fellow Rustaceans!
  echo 'パイプで渡した言葉も折り返します' | ferris-says --width 16
  ferris-says --files notes.txt --files todo.txt
  ferris-says --character clippy -- --words that look like options
  ferris-says --list-characters
  ferris-says --color always "in Rust orange" | less -R
"""

EPILOG = """\
\b
stdout carries only the picture, as UTF-8 bytes whatever the locale.
Errors go to stderr, one line each (-v adds the traceback).

\b
Exit status: 0 Ferris spoke; 1 runtime error (unreadable file or stdin,
Dagster configuration or messages file, stdout closed or full); 2 usage
error; 130 / 143 interrupted by SIGINT / SIGTERM.

\b
Environment:
  NO_COLOR      non-empty: no colour with --color auto (no-color.org)
  FORCE_COLOR   non-empty: colour with --color auto even off a terminal
                (force-color.org); NO_COLOR wins over it
  DAGSTER_PIPES_CONTEXT, DAGSTER_PIPES_MESSAGES
                set by Dagster; absent ones fall back to ./fake_temp/
"""

NOTHING_TO_SAY = (
    "nothing to say: give WORDS, `-` or --files, or pipe text in (see ferris-says --help)"
)


# --- small seams the tests can replace ------------------------------------------------------


def _is_terminal(stream) -> bool:
    """True when `stream` is an open terminal; False for None, closed or odd streams."""
    if stream is None:
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _stdin_is_terminal() -> bool:
    return _is_terminal(sys.stdin)


def _stdout_is_terminal() -> bool:
    return _is_terminal(sys.stdout)


def _stderr_is_terminal() -> bool:
    return _is_terminal(sys.stderr)


# --- diagnostics on stderr ------------------------------------------------------------------


def _trace(verbose: bool, message: str) -> None:
    if verbose:
        _write_stderr(f"{PROG}: {message}\n")


def _write_stderr(text: str) -> None:
    """Best effort: a closed or full stderr must not turn into an error of its own."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        _silence(stream)  # so that Python's final flush does not fail (exit 120) either


def _env_set(name: str) -> bool:
    """A NO_COLOR-style variable is on when present and not empty."""
    return os.environ.get(name, "") != ""


def color_decision(color: str, is_terminal: bool) -> tuple[bool, str]:
    """Whether to colour, and why (for --verbose).

    `always` and `never` win over the environment (no-color.org: a command-line flag overrides
    NO_COLOR). `auto`: NO_COLOR (non-empty) turns colour off; else FORCE_COLOR (non-empty, any
    value, as force-color.org and rich read it) turns it on; else colour only on a terminal that
    is not TERM=dumb (rich's rule).
    """
    if color == "always":
        return True, "--color always"
    if color == "never":
        return False, "--color never"
    if _env_set("NO_COLOR"):
        return False, "NO_COLOR is set"
    if _env_set("FORCE_COLOR"):
        return True, "FORCE_COLOR is set"
    if not is_terminal:
        return False, "not a terminal"
    if os.environ.get("TERM", "").strip().lower() in ("dumb", "unknown"):
        return False, "TERM=dumb"
    return True, "a terminal"


def _one_line(message: str) -> str:
    return " ".join(str(message).split()) or "unknown error"


def _report_error(message: str, color: str = "auto") -> None:
    """`ferris-says: error: <message>` on stderr, one line; `error:` in red on a terminal."""
    message = _one_line(message)
    stream = sys.stderr
    if stream is None:
        return
    try:
        colored, _ = color_decision(color, _stderr_is_terminal())
        if colored:
            from rich.console import Console
            from rich.text import Text

            console = Console(
                file=stream,
                force_terminal=True,
                no_color=False,
                highlight=False,
                markup=False,
                emoji=False,
                soft_wrap=True,
            )
            line = Text(f"{PROG}: ")
            line.append("error:", style="bold red")
            line.append(f" {message}")
            console.print(line)
        else:
            stream.write(f"{PROG}: error: {message}\n")
        stream.flush()
    except (OSError, ValueError):
        _silence(stream)  # stderr is gone too: the exit status is all that is left


def _report_traceback(error: BaseException) -> None:
    import traceback

    traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)


# --- stdout ---------------------------------------------------------------------------------


def _silence(stream) -> None:
    """After a failed write (EPIPE, ENOSPC), point the stream's descriptor at /dev/null, so
    that Python's final flush of what is still buffered has nowhere to fail: otherwise it
    prints "Exception ignored ... BrokenPipeError" and exits 120."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, stream.fileno())
        finally:
            os.close(devnull)
    except (AttributeError, ValueError, OSError):
        pass


def _silence_stdout() -> None:
    _silence(sys.stdout)


def _write_stdout(text: str) -> None:
    """Write `text` to stdout as UTF-8 bytes, whatever the locale or PYTHONIOENCODING.

    Failures become FerrisOutputError: stdout closed (`>&-`) or full (`>/dev/full`) name
    what was wrong; a reader that left (EPIPE, `| head -c 10`) is quiet.
    """
    stream = sys.stdout
    if stream is None:
        raise FerrisOutputError("stdout is closed: nowhere to print the picture")
    try:
        _write_utf8(stream, text)
    except BrokenPipeError as error:
        _silence(stream)
        raise FerrisOutputError(
            "stdout was closed by its reader (broken pipe)", quiet=True
        ) from error
    except OSError as error:
        _silence(stream)
        raise FerrisOutputError(f"cannot write to stdout: {error.strerror or error}") from error
    except ValueError as error:  # a stream an embedder closed
        raise FerrisOutputError(f"cannot write to stdout: {error}") from error


def _write_utf8(stream, text: str) -> None:
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    if buffer is None:  # an embedder replaced sys.stdout with a text-only stream
        stream.write(text)
        stream.flush()
        return
    buffer.flush()
    try:
        fd = stream.fileno()
    except (AttributeError, ValueError, OSError):  # an in-memory stream (tests, embedders)
        fd = None
    for start in range(0, len(text), WRITE_CHUNK):
        data = text[start : start + WRITE_CHUNK].encode("utf-8")
        if fd is None:
            buffer.write(data)
        else:
            _write_fd(fd, data)
    if fd is None:
        buffer.flush()


def _write_fd(fd: int, data: bytes) -> None:
    """All of `data` to `fd`: short writes are continued, a non-blocking fd is waited on."""
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except BlockingIOError:  # O_NONBLOCK stdout (shared with a parent that set it): wait
            import select

            select.select([], [fd], [])
            continue
        view = view[written:]


def _color_system():
    """The terminal's colour system as rich detects it, at least 16 colours."""
    from rich.color import ColorSystem
    from rich.console import Console

    detected = Console(file=sys.stdout, force_terminal=True, no_color=False).color_system
    return {
        "truecolor": ColorSystem.TRUECOLOR,
        "256": ColorSystem.EIGHT_BIT,
        "windows": ColorSystem.WINDOWS,
    }.get(detected or "", ColorSystem.STANDARD)


def _paint(pictures: list[tuple[str, str]]) -> str:
    """Each bubble as it is, each character in Rust orange (one escape run per line)."""
    from rich.style import Style

    system = _color_system()
    out = []
    for bubble, mascot in pictures:
        out.append(bubble)
        out.append(
            "\n".join(
                # A fresh Style each time: a Style caches the codes of the first colour system.
                Style(color=RUST_ORANGE).render(line, color_system=system) if line else line
                for line in mascot.split("\n")
            )
        )
    return "".join(out)


# --- where the words come from --------------------------------------------------------------


def _show_path(path) -> str:
    return repr(os.fsdecode(path))


def _decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FerrisError(
            f"{where} is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None


def _read_stdin() -> str:
    stream = sys.stdin
    if stream is None:
        raise FerrisUsageError("nothing to say: stdin is closed")
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is None:
            return stream.read()
        return _decode(_read_all(stream, buffer), "stdin")
    except OSError as error:
        raise FerrisError(f"cannot read stdin: {error.strerror or error}") from error


def _read_all(stream, buffer) -> bytes:
    """Every byte up to end of file; a non-blocking stdin (read() gives None) is waited on."""
    chunks = []
    while True:
        try:
            chunk = buffer.read()
        except BlockingIOError:
            chunk = None
        if chunk is None:
            import select

            select.select([stream.fileno()], [], [])
            continue
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)  # one chunk (the usual case) is returned as is, not copied


def _read_file(path) -> str:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except IsADirectoryError:
        raise FerrisError(f"cannot read {_show_path(path)}: it is a directory") from None
    except OSError as error:
        raise FerrisError(f"cannot read {_show_path(path)}: {error.strerror or error}") from None
    return _decode(data, _show_path(path))


def _check_utf8_argument(word: str) -> None:
    try:
        word.encode("utf-8")
    except UnicodeEncodeError:
        # POSIX argv bytes that are not UTF-8 arrive as surrogate escapes; clap refuses them too.
        shown = word.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise FerrisUsageError(f"an argument is not valid UTF-8: '{shown}'") from None


def _byte_count(text: str) -> str:
    from ferris_says.pipes import utf8_length

    return f"{utf8_length(text)} bytes"


def gather_texts(words, files, session, verbose: bool = False) -> list[str]:
    """What to say, one text per picture, following fsays (and never hanging).

    --files: each file's whole content, one picture each, read before anything is written.
    `-` as the only word: stdin. Words: joined with one space. No words: Dagster's extras
    when a session has them; under Dagster and nothing there, a usage error (Dagster's stdin
    is inherited and nobody writes to it); otherwise stdin, unless it is a terminal.
    """
    if files:
        texts = []
        for path in files:
            text = _read_file(path)
            _trace(verbose, f"words: from file {_show_path(path)} ({_byte_count(text)})")
            texts.append(text)
        return texts
    words = list(words)
    if words == ["-"]:
        text = _read_stdin()
        _trace(verbose, f"words: from stdin, as `-` asks ({_byte_count(text)})")
        return [text]
    if words:
        for word in words:
            _check_utf8_argument(word)
        _trace(verbose, f"words: from the command line ({len(words)} argument(s))")
        return [" ".join(words)]
    if session is not None and session.extras_words is not None:
        _trace(verbose, 'words: from the Dagster run\'s extras={"words": ...}')
        return [session.extras_words]
    if session is not None and session.launched_by_dagster:
        raise FerrisUsageError(
            'nothing to say: launched by Dagster with no WORDS and no extras={"words": ...}'
        )
    if sys.stdin is None:
        raise FerrisUsageError("nothing to say: no WORDS, and stdin is closed")
    if _stdin_is_terminal():
        raise FerrisUsageError(NOTHING_TO_SAY)
    text = _read_stdin()
    _trace(verbose, f"words: from stdin, which is not a terminal ({_byte_count(text)})")
    return [text]


# --- speaking -------------------------------------------------------------------------------


def _speak(words, files, width, character, color, asset_key, verbose) -> None:
    if files and words:
        raise FerrisUsageError("give WORDS or --files, not both")
    colored, why = color_decision(color, _stdout_is_terminal())
    _trace(
        verbose,
        f"width: {width if width is not None else 'the words UTF-8 byte length'}; "
        f"character: {character}; colour: {'on' if colored else 'off'} ({why})",
    )

    from ferris_says.pipes import pipes_session

    with pipes_session(asset_key=asset_key) as session:
        if session is None:
            _trace(
                verbose,
                "Dagster: no DAGSTER_PIPES_* variables and no ./fake_temp/, nothing to report",
            )
            if asset_key is not None:
                _trace(verbose, f"--asset-key {asset_key!r} ignored: there is no Dagster run")
        else:
            for line in session.describe():
                _trace(verbose, line)
            if words or files:
                _trace(
                    verbose,
                    'the run\'s extras={"words": ...}, if any, are not used: '
                    "WORDS or --files were given",
                )
        if sys.stdout is None:  # `>&-`: fail before reading stdin, and tell Dagster why
            raise FerrisOutputError("stdout is closed: nowhere to print the picture")
        mascot = characters.mascot(character)  # an unknown name fails before stdin is read
        texts = gather_texts(words, files, session, verbose)
        if session is not None:
            session.will_speak()

        from ferris_says import say

        pictures = [say(text, width, character) for text in texts]
        plain = "".join(pictures)
        if colored and all(picture.endswith(mascot) for picture in pictures):
            split = [(picture[: len(picture) - len(mascot)], mascot) for picture in pictures]
            _write_stdout(_paint(split))
        else:
            _write_stdout(plain)

        if session is not None:
            session.spoke("\n".join(texts), plain)


def _os_error_message(error: OSError) -> str:
    if error.filename is not None:
        return f"{os.fsdecode(error.filename)}: {error.strerror or error}"
    return error.strerror or str(error)


def _fail(error: BaseException, message: str, code: int, color: str, verbose: bool) -> int:
    if verbose:
        _report_traceback(error)
    _report_error(message, color)
    return code


def run(
    words=(),
    files=(),
    width: int | None = None,
    character: str = characters.DEFAULT_CHARACTER,
    color: str = "auto",
    asset_key: str | None = None,
    verbose: bool = False,
) -> int:
    """Say the words; report any failure as one line on stderr; return the exit status."""
    try:
        _speak(words, files, width, character, color, asset_key, verbose)
    except BrokenPipeError:
        # The reader of stdout left (`| head -c 10`): stop quietly with 1, as the Rust binary's
        # failed write does, and keep Python's shutdown from complaining about the pipe.
        _silence_stdout()
        return EXIT_RUNTIME_ERROR
    except FerrisOutputError as error:
        if error.quiet and not verbose:
            return error.exit_code
        return _fail(error, str(error), error.exit_code, color, verbose)
    except KeyboardInterrupt as error:  # Ctrl-C outside a Dagster session
        return _fail(error, "interrupted by SIGINT", EXIT_SIGINT, color, verbose)
    except FerrisError as error:
        return _fail(error, str(error), error.exit_code, color, verbose)
    except OSError as error:
        return _fail(error, _os_error_message(error), EXIT_RUNTIME_ERROR, color, verbose)
    except Exception as error:
        message = f"unexpected {type(error).__name__}: {error}"
        return _fail(error, message, EXIT_RUNTIME_ERROR, color, verbose)
    return EXIT_OK


# --- the command line -----------------------------------------------------------------------


def _plain_words(args: list[str]) -> bool:
    """Only words, none that click would read as an option (or `-`, or `--`)."""
    return bool(args) and not any(arg.startswith("-") for arg in args)


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point (`ferris-says = ferris_says.cli:main`); returns the status."""
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        if not _plain_words(args):
            return _command().main(args=args, prog_name=PROG, standalone_mode=False)
        return run(words=args)
    except KeyboardInterrupt:  # Ctrl-C while click is imported or parses: still one line
        _report_error("interrupted by SIGINT")
        return EXIT_INTERRUPTED


_COMMAND = None


def _command():
    """The click command, built on first use so plain words never import click."""
    global _COMMAND
    if _COMMAND is None:
        _COMMAND = _build_command()
    return _COMMAND


def __getattr__(name: str):
    # `from ferris_says.cli import cli` (CliRunner, docs) builds the click command on demand.
    if name == "cli":
        return _command()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _build_command():
    import click

    class Interrupted(Exception):
        """Ctrl-C inside click, carried past click's handler (which prints an empty line)."""

    class FerrisCommand(click.Command):
        """A click command whose failures are one line on stderr and a documented status.

        click's own usage errors (a bad --width, an unknown option) print several lines of
        usage; here they are one line like every other error, and still exit 2.
        """

        def make_context(self, *args, **kwargs):
            try:
                return super().make_context(*args, **kwargs)
            except KeyboardInterrupt as error:
                raise Interrupted() from error

        def invoke(self, ctx):
            try:
                return super().invoke(ctx)
            except KeyboardInterrupt as error:
                raise Interrupted() from error

        def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
            extra.setdefault("windows_expand_args", False)  # words are words, not globs
            try:
                code = super().main(
                    args, prog_name or PROG, complete_var, standalone_mode=False, **extra
                )
                code = code if isinstance(code, int) else EXIT_OK
            except click.UsageError as error:
                _report_error(f"{error.format_message()} (see {PROG} --help)")
                code = EXIT_USAGE_ERROR
            except click.ClickException as error:
                _report_error(error.format_message())
                code = error.exit_code
            except Interrupted:
                _report_error("interrupted by SIGINT")
                code = EXIT_INTERRUPTED
            except click.Abort as error:
                # Ctrl-C while click parses (click turns KeyboardInterrupt into Abort).
                interrupted = isinstance(error.__context__, KeyboardInterrupt)
                _report_error("interrupted by SIGINT" if interrupted else "aborted")
                code = EXIT_INTERRUPTED if interrupted else EXIT_RUNTIME_ERROR
            except BrokenPipeError:
                # `ferris-says --help | head -1`: the reader left; say nothing more.
                _silence_stdout()
                code = EXIT_RUNTIME_ERROR
            except FerrisOutputError as error:  # --list-characters
                if not error.quiet:
                    _report_error(str(error))
                code = error.exit_code
            except FerrisError as error:  # from an eager option such as --list-characters
                _report_error(str(error))
                code = error.exit_code
            except OSError as error:  # click printing --help or --version to a full stdout
                _silence_stdout()
                _report_error(f"cannot write to stdout: {error.strerror or error}")
                code = EXIT_RUNTIME_ERROR
            if code == EXIT_OK and sys.stdout is None:
                # --help / --version with stdout closed (`>&-`): click prints nothing at all.
                _report_error("stdout is closed: nowhere to print")
                code = EXIT_RUNTIME_ERROR
            if standalone_mode:
                sys.exit(code)
            return code

    class WidthRange(click.IntRange):
        """0..=usize::MAX; a number of thousands of digits is refused as too large, not as
        "not a valid integer" (Python's int() stops at 4300 digits), and is not echoed whole."""

        def convert(self, value, param, ctx):
            if isinstance(value, str):
                # What Rust's usize parser takes: an optional sign and ASCII digits. Python's
                # int() would also take "1_000", " 5" and full-width "５".
                sign, body = (value[0], value[1:]) if value[:1] in ("+", "-") else ("", value)
                if not (body.isascii() and body.isdigit()):
                    shown = value if len(value) <= 40 else f"{value[:20]}..."
                    self.fail(f"{shown!r} is not a whole number of columns.", param, ctx)
                significant = body.lstrip("0") or "0"
                too_big = len(significant) > len(str(MAX_WIDTH)) or int(significant) > MAX_WIDTH
                if too_big or sign == "-":  # Rust refuses a sign on an unsigned number, even -0
                    shown = body if len(body) <= 40 else f"{body[:20]}... ({len(body)} digits)"
                    shown = f"-{shown}" if sign == "-" else shown
                    self.fail(f"{shown} is not in the range 0<=x<={MAX_WIDTH}.", param, ctx)
                value = int(significant)
            return super().convert(value, param, ctx)

    def list_characters(ctx: click.Context, _param, value: bool) -> None:
        if not value or ctx.resilient_parsing:
            return
        names = characters.character_names()
        _write_stdout("".join(f"{name}\n" for name in names))
        ctx.exit(EXIT_OK)

    @click.command(
        cls=FerrisCommand,
        name=PROG,
        help=HELP,
        epilog=EPILOG,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )
    @click.argument("words", nargs=-1)
    @click.option(
        "--files",
        "-f",
        "files",
        multiple=True,
        metavar="PATH",
        help="Say this file's content (repeatable: one picture per file, in order).",
    )
    @click.option(
        "--width",
        "-w",
        type=WidthRange(min=0, max=MAX_WIDTH),
        default=None,
        metavar="N",
        help="Wrap the words at N columns, as the crate's say(text, N) does "
        "(0 <= N <= 2**64-1, the crate's usize). "
        "Default: the words' UTF-8 byte length, i.e. no re-wrapping (what the original does).",
    )
    @click.option(
        "--character",
        "-c",
        default=characters.DEFAULT_CHARACTER,
        show_default=True,
        metavar="NAME",
        help="Who speaks: ferris, clippy, or any cowsay character (see --list-characters).",
    )
    @click.option(
        "--list-characters",
        is_flag=True,
        is_eager=True,
        expose_value=False,
        callback=list_characters,
        help="List the characters, one per line, and exit.",
    )
    @click.option(
        "--color",
        "color",
        type=click.Choice(COLOR_CHOICES),
        default="auto",
        show_default=True,
        help="Draw the character in Rust orange: always, never, or auto (on a terminal, "
        "honouring NO_COLOR and FORCE_COLOR).",
    )
    @click.option(
        "--asset-key",
        metavar="KEY",
        default=None,
        help="Under Dagster: which of the context's asset keys to report on "
        "(needed only when it has several).",
    )
    @click.option(
        "-v",
        "--verbose",
        is_flag=True,
        help="Trace to stderr where the words and the Dagster context came from, "
        "and print tracebacks on errors.",
    )
    @click.version_option(
        __version__, "-V", "--version", prog_name=PROG, message="%(prog)s %(version)s"
    )
    def cli(words, files, width, character, color, asset_key, verbose):
        code = run(words, files, width, character, color, asset_key, verbose)
        if code != EXIT_OK:
            raise click.exceptions.Exit(code)

    return cli


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
