"""The `ferris-says` entry point: plain words go straight to `speak.run`, the rest to click.

Cold start: `ferris-says "what you want"` should cost little more than `python -c pass`. click
alone costs more than starting Python does, so the command line is handed to the click command
(`ferris_says.command`) only when it holds something click must parse (an option, `--`); plain
words, `-` alone and no words at all (stdin) go to `speak.run` with the defaults click gives.
"""

from __future__ import annotations

import os  # loaded by Python's start-up already
import sys

from ferris_says import environment, failures
from ferris_says.errors import end_on_signals, restore_signals
from ferris_says.request import Request
from ferris_says.speak import run
from ferris_says.streams import utf8_argument

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


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point (`ferris-says = ferris_says.cli:main`); returns the status."""
    try:
        return _main(_arguments(argv))
    except (Exception, KeyboardInterrupt) as error:
        # A signal between two steps or while reporting (FerrisInterrupted), Ctrl-C while click
        # is imported (KeyboardInterrupt): still one line.
        return failures.report(error)


def _main(args: list[str]) -> int:
    replaced = end_on_signals()  # SIGTERM, SIGHUP, ...: one line and 128 + N, as in a session
    try:
        if _plain_words(args) and COMPLETE_VAR not in os.environ:
            return run(Request(words=args))
        from ferris_says.command import cli  # the slow path starts here: click

        return cli.main(args=args, standalone_mode=False)
    finally:
        restore_signals(replaced)


#: What `ferris-thinks` adds in front of its arguments: it is `ferris-says --think`, as
#: cowthink is cowsay with a thought bubble. It always goes through click.
THINK_OPTION = "--think"


def think_main(argv: list[str] | None = None) -> int:
    """Console-script entry point of `ferris-thinks`."""
    return main([THINK_OPTION, *_arguments(argv)])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
