"""The manual pages, one per command, written from what each command's `--help` comes from.

    python -m ferris_says.manpage --list               # the commands, one a line
    python -m ferris_says.manpage --command NAME > NAME.1
    python -m ferris_says.manpage > ferris-says.1      # the same as --command ferris-says

The commands are the package's console scripts (`[project.scripts]`, read from the installed
distribution): `ferris-says` and `ferris-thinks` are click commands, `ferris-cowsay` and
`ferris-cowthink` the drop-in, whose options are one table (`cowsay_options.OPTIONS`). Nothing
is typed twice: the name line, synopsis, description, options, exit status and environment are
each command's own help, turned into man(7) macros. `make man` writes every page into man/man1/
(tools/man_pages.py), whence the wheel installs them where `man` looks beside the command
(share/man/man1).
"""

from __future__ import annotations

import sys
from importlib import metadata

import click

from ferris_says import __version__, cowsay_options

SECTION = "1"
DISTRIBUTION = "ferris-says"
#: The modules whose entry points are click commands, and the drop-in's.
CLICK_ENTRY = "ferris_says.cli"
DROP_IN_ENTRY = "ferris_says.cowsay_cli"
SUMMARIES = {
    "ferris-says": "Ferris the crab says your words, as the Rust crate ferris-says draws them",
    "ferris-thinks": "Ferris the crab thinks your words, in cowthink's bubble",
}


def commands() -> dict[str, str]:
    """Each console script of the installed package -> the module of its entry point."""
    scripts = metadata.distribution(DISTRIBUTION).entry_points
    return {
        script.name: script.value.split(":", 1)[0]
        for script in scripts
        if script.group == "console_scripts"
    }


def escape(text: str) -> str:
    """Text as roff reads it literally: backslashes doubled, `-` as a minus, no control lines."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text.startswith((".", "'")) else text


def paragraphs(text: str) -> list[str]:
    """click's help text: paragraphs; a `\\b` paragraph keeps its lines as they are."""
    lines: list[str] = []
    for block in text.strip("\n").split("\n\n"):
        if block.startswith("\b\n"):
            lines += [".PP", ".nf", *(escape(line) for line in block[2:].split("\n")), ".fi"]
        else:
            lines += [".PP", escape(" ".join(block.split()))]
    return lines


def header(name: str, summary: str) -> list[str]:
    return [
        f'.TH {name.upper()} {SECTION} "" "{name} {__version__}" "User Commands"',
        ".SH NAME",
        f"{escape(name)} \\- {escape(summary)}",
    ]


def click_page(name: str) -> str:
    """A click command's page: its help, options, examples and epilog."""
    from ferris_says.command import COMMANDS, EPILOG, help_text

    command = COMMANDS[name]
    ctx = click.Context(command, info_name=name, **command.context_settings)
    usage = " ".join(command.collect_usage_pieces(ctx))
    description, _, examples = help_text(name).partition("\n\b\nExamples:\n")
    options: list[str] = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None or isinstance(param, click.Argument):
            continue
        names, help_text_of_param = record
        options += [".TP", f"\\fB{escape(names)}\\fR", escape(help_text_of_param)]
    lines = [
        *header(name, SUMMARIES[name]),
        ".SH SYNOPSIS",
        f"\\fB{escape(name)}\\fR {escape(usage)}",
        ".SH DESCRIPTION",
        *paragraphs(description),
        ".SH OPTIONS",
        *options,
        ".SH EXAMPLES",
        ".nf",
        *(escape(line.strip()) for line in examples.strip("\n").split("\n")),
        ".fi",
        *paragraphs(EPILOG),
        ".SH SEE ALSO",
        "\\fBcowsay\\fR(6), \\fBferris\\-cowsay\\fR(1)",
    ]
    return "\n".join(lines) + "\n"


def drop_in_page(name: str) -> str:
    """The drop-in's page: cowsay's usage lines, its description, the option table, the
    environment and the exit status."""
    options: list[str] = []
    for option in cowsay_options.OPTIONS:
        options += [
            ".TP",
            f"\\fB{escape(cowsay_options.option_label(option))}\\fR",
            escape(option.help),
        ]
    environment: list[str] = []
    for variable, meaning in cowsay_options.ENVIRONMENT:
        environment += [".TP", f"\\fB{escape(variable)}\\fR", escape(meaning)]
    lines = [
        *header(name, cowsay_options.summary(name)),
        ".SH SYNOPSIS",
        ".nf",
        *(
            escape(line.removeprefix("Usage: "))
            for line in cowsay_options.usage_lines(name).splitlines()[1:]
        ),
        ".fi",
        ".SH DESCRIPTION",
        *paragraphs(cowsay_options.description(name)),
        ".SH OPTIONS",
        *options,
        ".SH ENVIRONMENT",
        *environment,
        ".SH EXIT STATUS",
        escape(cowsay_options.EXIT_STATUS),
        ".SH SEE ALSO",
        "\\fBcowsay\\fR(6), \\fBferris\\-says\\fR(1)",
    ]
    return "\n".join(lines) + "\n"


def render(name: str = "ferris-says") -> str:
    """The page of the console script `name`."""
    entry = commands().get(name)
    if entry == CLICK_ENTRY:
        return click_page(name)
    if entry == DROP_IN_ENTRY:
        return drop_in_page(name)
    raise SystemExit(f"{name}: not a command of {DISTRIBUTION} (see --list)")


def main(argv: list[str]) -> int:
    if argv == ["--list"]:
        sys.stdout.write("".join(f"{name}\n" for name in sorted(commands())))
        return 0
    if len(argv) == 2 and argv[0] == "--command":
        sys.stdout.write(render(argv[1]))
        return 0
    if not argv:
        sys.stdout.write(render())
        return 0
    sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
