"""The `ferris-says` entry point: plain words go straight to `speak.run`, the rest to click.

Cold start: `ferris-says "what you want"` should cost little more than `python -c pass`. click
alone costs more than starting Python does, so the command line is handed to the click command
(`ferris_says.command`) only when it holds something click must parse (an option, `--`); plain
words, `-` alone and no words at all (stdin) go to `speak.run` with the defaults click gives.
"""

from __future__ import annotations

import sys

from ferris_says import environment, failures
from ferris_says.errors import end_on_signals, restore_signals
from ferris_says.request import Request
from ferris_says.speak import run
from ferris_says.streams import PROG, THINKS, set_program, utf8_argument

#: click's shell-completion request: the shell runs the command with no words and this set, and
#: only click can answer it.
COMPLETE_VAR = environment.COMPLETE


def _plain_words(args: list[str]) -> bool:
    """Only words, none that click would read as an option (or `--`); or no words at all, or
    `-` alone: stdin, where click would call `speak.run` with its defaults too."""
    return args == ["-"] or not any(arg.startswith("-") for arg in args)


def _arguments(argv: list[str] | None) -> list[str]:
    """The given arguments, or the process's own read as UTF-8."""
    return [utf8_argument(arg) for arg in sys.argv[1:]] if argv is None else list(argv)


#: Each click command, and whether it thinks.
COMMANDS = {PROG: False, THINKS: True}


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point (`ferris-says = ferris_says.cli:main`); returns the status."""
    return run_command(PROG, argv)


def think_main(argv: list[str] | None = None) -> int:
    """Console-script entry point of `ferris-thinks`: ferris-says --think, under its own name."""
    return run_command(THINKS, argv)


def run_command(program: str, argv: list[str] | None) -> int:
    set_program(program)
    try:
        return _main(program, _arguments(argv))
    except (Exception, KeyboardInterrupt) as error:
        # A signal between two steps or while reporting (FerrisInterrupted), Ctrl-C while click
        # is imported (KeyboardInterrupt): still one line.
        return failures.report(error)


def _main(program: str, args: list[str]) -> int:
    thinking = COMMANDS[program]
    replaced = end_on_signals()  # SIGTERM, SIGHUP, ...: one line and 128 + N, as in a session
    try:
        if environment.completion_request(program) is None:
            if _plain_words(args):
                return run(Request(words=args, think=thinking))
            from ferris_says import quick_options  # options: read without click if it can

            values = quick_options.parse(args, program)
            if values is not quick_options.TO_CLICK:
                return run(quick_options.request_from_options(values, thinking))
        from ferris_says.command import COMMANDS as CLICK_COMMANDS  # the slow path: click

        return CLICK_COMMANDS[program].main(args=args, standalone_mode=False)
    finally:
        restore_signals(replaced)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
