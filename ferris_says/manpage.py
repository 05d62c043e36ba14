"""The manual page `ferris-says.1`, written from the click command that `--help` comes from.

``python -m ferris_says.manpage > ferris-says.1``: `make man` writes it into man/man1/, whence
the wheel installs it where `man` looks beside the command (share/man/man1).
Nothing is typed twice: the name line, synopsis, description, options, exit status and
environment are the command's own help text, turned into man(7) macros.
"""

from __future__ import annotations

import sys

import click

from ferris_says import __version__
from ferris_says.command import EPILOG, HELP, cli
from ferris_says.streams import PROG

SECTION = "1"
SUMMARY = "Ferris the crab says your words, as the Rust crate ferris-says draws them"


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


def option_lines(ctx: click.Context) -> list[str]:
    lines: list[str] = []
    for param in cli.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None or isinstance(param, click.Argument):
            continue
        names, help_text = record
        lines += [".TP", f"\\fB{escape(names)}\\fR", escape(help_text)]
    return lines


def render() -> str:
    ctx = click.Context(cli, info_name=PROG, **cli.context_settings)
    usage = " ".join(cli.collect_usage_pieces(ctx))
    description, _, examples = HELP.partition("\n\b\nExamples:\n")
    lines = [
        f'.TH {PROG.upper()} {SECTION} "" "{PROG} {__version__}" "User Commands"',
        ".SH NAME",
        f"{escape(PROG)} \\- {escape(SUMMARY)}",
        ".SH SYNOPSIS",
        f"\\fB{escape(PROG)}\\fR {escape(usage)}",
        ".SH DESCRIPTION",
        *paragraphs(description),
        ".SH OPTIONS",
        *option_lines(ctx),
        ".SH EXAMPLES",
        ".nf",
        *(escape(line.strip()) for line in examples.strip("\n").split("\n")),
        ".fi",
        *paragraphs(EPILOG),
        ".SH SEE ALSO",
        "\\fBcowsay\\fR(6)",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
