"""The click command: every option, the help text, and one-line usage errors.

Only `cli.main` imports this module, and only for a command line that holds options (or no
words): click costs more to import than Python does to start, so plain words never load it.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from ferris_says import __version__, attributes, failures, looks
from ferris_says.bubble import MAX_WIDTH
from ferris_says.color import COLOR_CHOICES
from ferris_says.decorate import STYLES
from ferris_says.environment import COMPLETE_VARIABLES, completion_request
from ferris_says.errors import EXIT_OK, FerrisInterrupted, FerrisOutputError
from ferris_says.install_hints import WHEEL
from ferris_says.pipes import CONTEXT_ARG, MESSAGES_ARG, STORE_OPTION, STORE_VAR, STORES
from ferris_says.quick_options import request_from_options
from ferris_says.request import BUBBLES, CRATE_BUBBLE
from ferris_says.speak import run
from ferris_says.streams import PROG, THINKS, stdout_error, write_stdout

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

DESCRIPTION = """\
WORDS are joined with one space. With no WORDS, or with `-` as the only word, the words are
read from stdin (unless stdin is a terminal: then there is nothing to say, a usage error).
--files says each file's content, one picture per file, as fsays does. Run by Dagster through
Pipes, the command also reports logs, two asset checks and a materialization; with no WORDS it
then says the words of the run's extras={"words": ...} and never waits on stdin.
"""

SAYS_HELP = f"""\
Print Ferris the crab saying WORDS, exactly as the Rust crate ferris-says 0.3.2 draws it.

{DESCRIPTION}
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
  ferris-says --bubble cowsay -c default "as cowsay draws it, wrapped at 40"
  ferris-says --color always "in Rust orange" | less -R
"""

THINKS_HELP = f"""\
Print Ferris the crab thinking WORDS: cowthink's ( ) bubble and o tail, over the wrapping of the
Rust crate ferris-says 0.3.2 (ferris-thinks is ferris-says --think).

{DESCRIPTION}
\b
Examples:
  ferris-thinks "what you want"
  ferris-thinks --width 24 Hello fellow Rustaceans!
  ferris-thinks -e '^^' "Ferris's eyes, Ferris's thoughts"
  ferris-thinks --character clippy --mode tired "It looks like you are thinking"
  ferris-thinks --character ./my.cow "a .cow file, read, never run"
  ferris-thinks --bubble cowsay -c default "as cowthink draws it, wrapped at 40"
"""

#: ferris-says' own help (the man page reads its parts).
HELP = SAYS_HELP


def help_text(name: str) -> str:
    return THINKS_HELP if name == THINKS else SAYS_HELP


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
  NO_COLOR      non-empty: no colour with --color auto (no-color.org),
                nor with --rainbow, --bold or --aurora
  FORCE_COLOR   non-empty: colour with --color auto even off a terminal
                (force-color.org); NO_COLOR wins over it
  COWPATH       colon-separated directories of .cow files, searched for
                --character NAME after ferris and clippy, then cowsay's
                own directories (/usr/share/cowsay/cows, ...)
  FERRIS_SAYS_SEED
                makes --random and --aurora the same each time
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


class FerrisCommand(click.Command):
    """A click command whose failures are one line on stderr and a documented status.

    click's own usage errors (a bad --width, an unknown option) print several lines of
    usage; here they are one line like every other error, and still exit 2.
    """

    # Ctrl-C inside click is carried past click's handler (which prints an empty line) as our
    # own interruption.
    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt as error:
            raise FerrisInterrupted(signal.SIGINT) from error

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as error:
            raise FerrisInterrupted(signal.SIGINT) from error

    def main(  # type: ignore[override]  # returns the status when standalone_mode is False
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> int:
        extra.setdefault("windows_expand_args", False)  # words are words, not globs
        # Each command has its own, fixed variable (click's complete_var is not asked for).
        variable = COMPLETE_VARIABLES[self.name or PROG]
        instruction = completion_request(self.name or PROG)
        try:
            if instruction:  # the shell's completion request, checked before click answers it
                from ferris_says import completion

                code = completion.answer(self, instruction, variable)
            else:
                code = super().main(
                    args, prog_name or self.name, variable, standalone_mode=False, **extra
                )
            code = code if isinstance(code, int) else EXIT_OK
        except OSError as error:  # click's own echo of --help or --version: stdout failed
            code = failures.report(stdout_error(error))
        except (Exception, KeyboardInterrupt) as error:
            code = failures.report(error)
        if code == EXIT_OK and sys.stdout is None:
            # --help / --version with stdout closed (`>&-`): click prints nothing at all.
            code = failures.report(FerrisOutputError("stdout is closed: nowhere to print"))
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


class ModeChoice(click.Choice):  # type: ignore[type-arg]  # click 8.2 made Choice generic
    """cowsay's modes, listed in --help and completed as choices, checked by the checker the
    component and the Pipes extras use (so the same value is refused in the same words)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return attributes.check_mode(value)


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
    write_stdout("".join(f"{looks.listed(name)}\n" for name in names))
    ctx.exit(EXIT_OK)


def complete_character(
    _ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[click.shell_completion.CompletionItem]:
    """`-c <TAB>`: our names, COWPATH's and the cowsay package's; a path completes as a file."""
    from click.shell_completion import CompletionItem

    if looks.is_path(incomplete):
        return [CompletionItem(incomplete, type="file")]
    return [CompletionItem(name) for name in looks.all_names() if name.startswith(incomplete)]


def version_option(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """-V/--version: the running command's name and the version."""
    if not value or ctx.resilient_parsing:
        return
    write_stdout(f"{ctx.command.name} {__version__}\n")
    ctx.exit(EXIT_OK)


def parameters(thinking: bool) -> list[click.Parameter]:
    """Every argument and option, in the order --help shows them; `thinking` (ferris-thinks)
    leaves out --think, which that command always is."""
    mode_letters = [
        click.Option([f"-{letter}", f"mode_{name}"], is_flag=True, help=f"--mode {name}.")
        for letter, name in looks.MODE_LETTERS.items()
    ]
    think_help = "Think instead of saying: cowthink's ( ) bubble and o tail."
    think = [] if thinking else [click.Option(["--think"], is_flag=True, help=think_help)]
    return [
        click.Argument(["words"], nargs=-1),
        click.Option(
            ["--files", "-f", "files"],
            multiple=True,
            metavar="PATH",
            shell_complete=complete_file_names,
            help="Say this file's content (repeatable: one picture per file, in order).",
        ),
        click.Option(
            ["--width", "-w"],
            type=WidthRange(min=0, max=MAX_WIDTH),
            default=None,
            metavar="N",
            help="Wrap the words at N columns, as the crate's say(text, N) does "
            "(0 <= N <= 2**64-1, the crate's usize). "
            "Default: the words' UTF-8 byte length, i.e. no re-wrapping (what the original does). "
            "With --bubble cowsay: cowsay's -W (default 40).",
        ),
        click.Option(
            ["--character", "-c"],
            default=None,
            metavar="NAME|PATH",
            shell_complete=complete_character,
            help="Who speaks: ferris (the default), clippy, a .cow file in COWPATH or cowsay's "
            "directories, any cowsay character (see --list-characters), or a path to a .cow "
            "file (holding a /).",
        ),
        *think,
        click.Option(
            ["--eyes", "-e"], metavar="EYES", default=None, help="Eyes (the first two characters)."
        ),
        click.Option(
            ["--tongue", "-T"],
            metavar="TONGUE",
            default=None,
            help="Tongue (the first two characters), for characters that have one.",
        ),
        click.Option(
            ["--mode"],
            type=ModeChoice(list(looks.MODES)),
            multiple=True,  # so that two different ones are refused, not the last one taken
            help="cowsay's faces; the mode's eyes (and tongue) win over -e and -T, as in cowsay.",
        ),
        *mode_letters,
        click.Option(
            ["--random", "-r", "random_character"],
            is_flag=True,
            help="A random character (one that has a place for the eyes and tongue asked for).",
        ),
        click.Option(
            ["--list-characters"],
            is_flag=True,
            is_eager=True,
            expose_value=False,
            callback=list_characters,
            help="List the characters, one per line, and exit.",
        ),
        click.Option(
            ["--bubble"],
            type=click.Choice(BUBBLES),
            default=CRATE_BUBBLE,
            show_default=True,
            help="The crate's bubble, or Perl cowsay's (Text::Wrap's fill at --width, 40 by "
            "default, as ferris-cowsay draws it).",
        ),
        click.Option(
            ["--color", "color"],
            type=click.Choice(COLOR_CHOICES),
            default="auto",
            show_default=True,
            help="Draw the character in Rust orange: always, never, or auto (on a terminal, "
            "honouring NO_COLOR and FORCE_COLOR).",
        ),
        *(
            click.Option([f"--{style}"], is_flag=True, help=STYLE_HELP[style])
            for style in reversed(STYLES)
        ),
        click.Option(
            ["--asset-key"],
            metavar="KEY",
            default=None,
            help="Under Dagster: which of the context's asset keys to report on "
            "(needed only when it has several).",
        ),
        click.Option(
            [CONTEXT_ARG, "pipes_context"],
            metavar="B64",
            default=None,
            help="The Pipes context params, as Dagster's get_bootstrap_cli_arguments() gives "
            "them (Glue, Dataproc, EMR on EKS, Databricks). With it, DAGSTER_PIPES_* are ignored.",
        ),
        click.Option(
            [MESSAGES_ARG, "pipes_messages"],
            metavar="B64",
            default=None,
            help="The Pipes messages params, given with --dagster-pipes-context.",
        ),
        click.Option(
            [STORE_OPTION, "pipes_store"],
            type=click.Choice(STORES),
            default=None,
            help=f"Where the Pipes params' bucket is (default: ${STORE_VAR}); needs the "
            "store's extra (Extras, below).",
        ),
        click.Option(
            ["-v", "--verbose"],
            is_flag=True,
            help="Trace to stderr where the words and the Dagster context came from, "
            "and print tracebacks on errors.",
        ),
        click.Option(
            ["-V", "--version"],
            is_flag=True,
            is_eager=True,
            expose_value=False,
            callback=version_option,
            help="Show the version and exit.",
        ),
    ]


#: Neo-cowsay's colours (ferris_says.decorate), as --help says them.
STYLE_HELP = {
    "rainbow": "Colour each character in turn in the 16-colour cycle, as Neo-cowsay does "
    "(NO_COLOR and --color never win).",
    "bold": "Bold, as Neo-cowsay draws it (with --rainbow or --aurora: both).",
    "aurora": "256-colour waves from a random start, as Neo-cowsay's --aurora.",
}


def make_command(name: str) -> FerrisCommand:
    """The click command of `ferris-says` or `ferris-thinks` (its own name, usage line, help
    text and completion variable; it always thinks)."""
    thinking = name == THINKS

    def invoke(**values: Any) -> None:
        code = run(request_from_options(values, thinking))
        if code != EXIT_OK:
            raise click.exceptions.Exit(code)

    return FerrisCommand(
        name=name,
        params=parameters(thinking),
        callback=invoke,
        help=help_text(name),
        epilog=EPILOG,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )


cli = make_command(PROG)
thinks_cli = make_command(THINKS)
#: Each command by its name, as `cli.py`'s entry points and the man pages ask for them.
COMMANDS = {PROG: cli, THINKS: thinks_cli}
