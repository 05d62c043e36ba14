"""The `ferris-says` entry point: plain words go straight to `speak.run`, the rest to click.

Cold start: `ferris-says "what you want"` should cost little more than `python -c pass`. click
alone costs more than starting Python does, so the command line is handed to the click command
(`ferris_says.command`) only when it holds something click must parse (an option, `--`); plain
words, `-` alone and no words at all (stdin) go to `speak.run` with the defaults click gives.
"""

from __future__ import annotations

import os
import sys

from ferris_says.errors import EXIT_SIGINT
from ferris_says.speak import run
from ferris_says.streams import report_error

# Set by the shell completion scripts (click's name for the command `ferris-says`): the
# completion runs the command with no words, and only click knows how to answer it.
COMPLETION_VAR = "_FERRIS_SAYS_COMPLETE"


def _plain_words(args: list[str]) -> bool:
    """Only words, none that click would read as an option (or `--`); or no words at all, or
    `-` alone: stdin, where click would call `speak.run` with its defaults too."""
    return args == ["-"] or not any(arg.startswith("-") for arg in args)


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point (`ferris-says = ferris_says.cli:main`); returns the status."""
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        if _plain_words(args) and COMPLETION_VAR not in os.environ:
            return run(words=args)
        from ferris_says.command import cli  # the slow path starts here: click

        return cli.main(args=args, standalone_mode=False)
    except KeyboardInterrupt:  # Ctrl-C while click is imported or parses: still one line
        report_error("interrupted by SIGINT")
        return EXIT_SIGINT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
