"""`ferris-cowsay` and `ferris-cowthink`: Perl cowsay 3.03's command line, read as Perl reads it.

The entry points: they name the running command, read the command line (`cowsay_options`),
print cowsay's warnings, --help or --version, and hand the request to `cowsay_run`. No click:
the drop-in starts as fast as Perl's cowsay (`make bench`); click is loaded only to answer the
shell's completion requests (`cowsay_completion`).
"""

from __future__ import annotations

import sys

from ferris_says import __version__, environment, failures, streams
from ferris_says.cowsay_options import COWSAY, COWTHINK, help_text, parse
from ferris_says.errors import EXIT_OK, end_on_signals, restore_signals

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


def _arguments(argv: Sequence[str] | None) -> list[str]:
    """The given arguments, or the process's own read as UTF-8."""
    return [streams.utf8_argument(arg) for arg in sys.argv[1:]] if argv is None else list(argv)


def run_command(program: str, argv: Sequence[str] | None) -> int:
    """Parse and draw; every failure is one line on stderr and a documented status."""
    streams.set_program(program, label="")
    replaced = end_on_signals()
    try:
        if environment.completion_request(program) is not None:
            from ferris_says.cowsay_completion import complete  # click, only when completing

            return complete(program)
        request = parse(program, _arguments(argv))
        for warning in request.warnings:  # Perl's `Unknown option: X` (getopts escapes X)
            streams.write_line("", warning, escape=False)
        if request.help:
            streams.write_stdout(help_text(program))
            return EXIT_OK
        if request.version:
            streams.write_stdout(f"{program} {__version__}\n")
            return EXIT_OK
        from ferris_says.cowsay_run import draw

        return draw(request)
    except (Exception, KeyboardInterrupt) as error:
        return failures.report(error)
    finally:
        restore_signals(replaced)


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point of `ferris-cowsay`."""
    return run_command(COWSAY, argv)


def think_main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point of `ferris-cowthink`."""
    return run_command(COWTHINK, argv)
