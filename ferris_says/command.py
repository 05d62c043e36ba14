"""The click command: every option, the help text, and one-line usage errors.

Only `cli.main` imports this module, and only for a command line that holds options (or no
words): click costs more to import than Python does to start, so plain words never load it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

from ferris_says import __version__, characters, looks
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
from ferris_says.install_hints import WHEEL
from ferris_says.pipes.bootstrap import (
    CONTEXT_ARG,
    MESSAGES_ARG,
    STORE_OPTION,
    STORE_VAR,
    STORES,
    PipesBootstrap,
)
from ferris_says.speak import run
from ferris_says.streams import (
    PROG,
    check_utf8_argument,
    report_error,
    silence_stdout,
    write_stdout,
)

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

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
  ferris-says --think -e '^^' "cowthink's bubble, Ferris's eyes"
  ferris-says --character ./my.cow --mode dead "a .cow file, read, never run"
  ferris-says --color always "in Rust orange" | less -R
"""

EPILOG = f"""\
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
  COWPATH       colon-separated directories of .cow files, searched for
                --character NAME after ferris and clippy (unset: none)
  FERRIS_SAYS_SEED
                makes --random pick the same character each time
  DAGSTER_PIPES_CONTEXT, DAGSTER_PIPES_MESSAGES
                set by Dagster; absent ones fall back to ./fake_temp/
                (--dagster-pipes-context/-messages win over them)
  FERRIS_SAYS_PIPES_STORE
                s3, gcs, azure or volumes: as --pipes-store

\b
Extras (the blob stores' SDKs, the Dagster component), e.g. s3:
  in a clone:      pip install '.[s3]'
  from the wheel:  pip install '{WHEEL}[s3]'
  once published:  pip install 'ferris-says[s3]'
"""


class Interrupted(Exception):
    """Ctrl-C inside click, carried past click's handler (which prints an empty line)."""


class FerrisCommand(click.Command):
    """A click command whose failures are one line on stderr and a documented status.

    click's own usage errors (a bad --width, an unknown option) print several lines of
    usage; here they are one line like every other error, and still exit 2.
    """

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt as error:
            raise Interrupted() from error

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as error:
            raise Interrupted() from error

    def main(  # type: ignore[override]  # returns the status when standalone_mode is False
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> int:
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

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
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


def complete_file_names(
    _ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """`--files <TAB>`: the shell lists the files (click tells it so with the `file` type)."""
    from click.shell_completion import CompletionItem  # only ever needed while completing

    return [CompletionItem(incomplete, type="file")]


def list_characters(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    names = looks.all_names()
    write_stdout("".join(f"{name}\n" for name in names))
    ctx.exit(EXIT_OK)


def complete_character(
    _ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[click.shell_completion.CompletionItem]:
    """`-c <TAB>`: our names, COWPATH's and the cowsay package's; a path completes as a file."""
    from click.shell_completion import CompletionItem

    if looks.is_path(incomplete):
        return [CompletionItem(incomplete, type="file")]
    return [CompletionItem(name) for name in looks.all_names() if name.startswith(incomplete)]


def mode_flags(function: Callable[..., Any]) -> Callable[..., Any]:
    """cowsay's one-letter mode flags: -b -d -g -p -s -t -y (each --mode NAME)."""
    for letter, name in reversed(looks.MODE_LETTERS.items()):
        function = click.option(f"-{letter}", f"mode_{name}", is_flag=True, help=f"--mode {name}.")(
            function
        )
    return function


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
    shell_complete=complete_file_names,
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
    default=None,
    metavar="NAME|PATH",
    shell_complete=complete_character,
    help="Who speaks: ferris (the default), clippy, a .cow file in COWPATH, any cowsay "
    "character (see --list-characters), or a path to a .cow file (holding a /).",
)
@click.option(
    "--think",
    is_flag=True,
    help="Think instead of saying: cowthink's ( ) bubble and o tail.",
)
@click.option("--eyes", "-e", metavar="EYES", default=None, help="Eyes (the first two characters).")
@click.option(
    "--tongue",
    "-T",
    metavar="TONGUE",
    default=None,
    help="Tongue (the first two characters), for characters that have one.",
)
@click.option(
    "--mode",
    type=click.Choice(list(looks.MODES)),
    multiple=True,  # so that two different ones are refused, not the last one taken
    help="cowsay's faces; the mode's eyes (and tongue) win over -e and -T, as in cowsay.",
)
@mode_flags
@click.option(
    "--random",
    "-r",
    "random_character",
    is_flag=True,
    help="A random character (one that has a place for the eyes and tongue asked for).",
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
    CONTEXT_ARG,
    "pipes_context",
    metavar="B64",
    default=None,
    help="The Pipes context params, as Dagster's get_bootstrap_cli_arguments() gives them "
    "(Glue, Dataproc, EMR on EKS, Databricks). With it, DAGSTER_PIPES_* are ignored.",
)
@click.option(
    MESSAGES_ARG,
    "pipes_messages",
    metavar="B64",
    default=None,
    help="The Pipes messages params, given with --dagster-pipes-context.",
)
@click.option(
    STORE_OPTION,
    "pipes_store",
    type=click.Choice(STORES),
    default=None,
    help=f"Where the Pipes params' bucket is (default: ${STORE_VAR}); needs the "
    "store's extra (Extras, below).",
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
def cli(
    words: tuple[str, ...],
    files: tuple[str, ...],
    width: int | None,
    character: str | None,
    think: bool,
    eyes: str | None,
    tongue: str | None,
    mode: tuple[str, ...],
    random_character: bool,
    color: str,
    asset_key: str | None,
    pipes_context: str | None,
    pipes_messages: str | None,
    pipes_store: str | None,
    verbose: bool,
    **mode_letters: bool,
) -> None:
    for option in (eyes, tongue, character):
        if option is not None:
            check_utf8_argument(option)
    chosen = [*mode, *(name for name in looks.MODES if mode_letters.get(f"mode_{name}"))]
    look = looks.checked_look(
        looks.Look(
            character=character,
            think=think,
            eyes=eyes,
            tongue=tongue,
            mode=looks.choose_mode(None, chosen),
            random=random_character,
        )
    )
    character = characters.DEFAULT_CHARACTER if character is None else character
    bootstrap = PipesBootstrap(pipes_context, pipes_messages, pipes_store)
    code = run(
        words, files, width, character, color, asset_key, verbose, bootstrap=bootstrap, look=look
    )
    if code != EXIT_OK:
        raise click.exceptions.Exit(code)
