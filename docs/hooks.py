"""MkDocs hook: the CLI reference, written at build time from the click command itself.

`docs/pages/cli.md` holds the marker `<!-- cli-reference -->`; this hook replaces it with the
usage line, the help text (click's `\\b` paragraphs kept line for line), a table of the options
as `--help` describes them, and the epilog: the same source as `--help` and `ferris-says.1`.
"""

from __future__ import annotations

from typing import Any

import click

MARKER = "<!-- cli-reference -->"


def _paragraphs(text: str) -> list[str]:
    blocks = []
    for block in text.strip("\n").split("\n\n"):
        if block.startswith("\b\n"):
            lines = block[2:].split("\n")
            if lines[0].endswith(":") and not lines[0].startswith(" "):
                blocks.append(f"**{lines[0]}**")
                lines = lines[1:]
            blocks.append("```text\n" + "\n".join(line.rstrip() for line in lines) + "\n```")
        else:
            blocks.append(" ".join(block.split()))
    return blocks


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def reference() -> str:
    from ferris_says.command import EPILOG, HELP, cli
    from ferris_says.streams import PROG

    ctx = click.Context(cli, info_name=PROG, **cli.context_settings)
    rows = ["| option | what it does |", "| --- | --- |"]
    for param in cli.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None or isinstance(param, click.Argument):
            continue
        names, help_text = record
        rows.append(f"| `{_cell(names)}` | {_cell(help_text)} |")
    parts = [
        "```text\n" + f"{PROG} " + " ".join(cli.collect_usage_pieces(ctx)) + "\n```",
        *_paragraphs(HELP),
        "## Options",
        "\n".join(rows),
        "## Output, exit status, environment",
        *_paragraphs(EPILOG),
    ]
    return "\n\n".join(parts) + "\n"


def on_page_markdown(markdown: str, **_: Any) -> str:
    return markdown.replace(MARKER, reference()) if MARKER in markdown else markdown
