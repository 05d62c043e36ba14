"""The click command: every option, the help text, and one-line usage errors.

Only `cli.main` imports this module, and only for a command line that holds options (or no
words): click costs more to import than Python does to start, so plain words never load it.
"""

from __future__ import annotations

import sys

import click

from ferris_says import __version__, characters
from ferris_says.bubble import MAX_WIDTH
from ferris_says.color import COLOR_CHOICES
from ferris_says.errors import (
    EXIT_OK,
    EXIT_RUNTIME_ERROR,
    EXIT_SIGINT,
    EXIT_USAGE_ERROR,
    FerrisError,
    FerrisOutputError,
)
from ferris_says.speak import run
from ferris_says.streams import PROG, report_error, silence_stdout, write_stdout

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
error; 130 / 143 interrupted by SIGINT / SIGTERM (128 + N for SIGHUP,
SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGXCPU).

\b
Environment:
  NO_COLOR      non-empty: no colour with --color auto (no-color.org)
  FORCE_COLOR   non-empty: colour with --color auto even off a terminal
                (force-color.org); NO_COLOR wins over it
  DAGSTER_PIPES_CONTEXT, DAGSTER_PIPES_MESSAGES
                set by Dagster; absent ones fall back to ./fake_temp/
"""


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
            report_error(f"{error.format_message()} (see {PROG} --help)")
            code = EXIT_USAGE_ERROR
        except click.ClickException as error:
            report_error(error.format_message())
            code = error.exit_code
        except Interrupted:
            report_error("interrupted by SIGINT")
            code = EXIT_SIGINT
        except click.Abort as error:
            # Ctrl-C while click parses (click turns KeyboardInterrupt into Abort).
            interrupted = isinstance(error.__context__, KeyboardInterrupt)
            report_error("interrupted by SIGINT" if interrupted else "aborted")
            code = EXIT_SIGINT if interrupted else EXIT_RUNTIME_ERROR
        except BrokenPipeError:
            # `ferris-says --help | head -1`: the reader left; say nothing more.
            silence_stdout()
            code = EXIT_RUNTIME_ERROR
        except FerrisOutputError as error:  # --list-characters
            if not error.quiet:
                report_error(str(error))
            code = error.exit_code
        except FerrisError as error:  # from an eager option such as --list-characters
            report_error(str(error))
            code = error.exit_code
        except OSError as error:  # click printing --help or --version to a full stdout
            silence_stdout()
            report_error(f"cannot write to stdout: {error.strerror or error}")
            code = EXIT_RUNTIME_ERROR
        if code == EXIT_OK and sys.stdout is None:
            # --help / --version with stdout closed (`>&-`): click prints nothing at all.
            report_error("stdout is closed: nowhere to print")
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
    write_stdout("".join(f"{name}\n" for name in names))
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
