"""MkDocs hooks: the CLI reference, and the search opened from the files.

`docs/pages/cli.md` holds the marker `<!-- cli-reference -->`; the hook replaces it with the
usage line, the help text (click's `\\b` paragraphs kept line for line), a table of the options
as `--help` describes them, and the epilog: the same source as `--help` and `ferris-says.1`.

Material's search runs in a web worker, which a browser does not start for a page opened from
a file. Material's offline plugin loads the iframe-worker shim for that from a CDN; `make docs`
fetches the shim from npm instead (build/npm), and the site serves its own copy, so the search
works from `build/docs/site/index.html` with no network.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import click

MARKER = "<!-- cli-reference -->"
SEARCH_SHIM = Path(__file__).parent.parent / "build/npm/node_modules/iframe-worker/shim/index.js"
SHIM_IN_SITE = "assets/javascripts/iframe-worker-shim.js"


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


def on_config(config: Any, **_: Any) -> Any:
    """The site's own copy of the shim, not the CDN's (run after the offline plugin's)."""
    if SEARCH_SHIM.is_file():
        config.extra["polyfills"] = [SHIM_IN_SITE]
    return config


def on_post_build(config: Any, **_: Any) -> None:
    if SEARCH_SHIM.is_file():
        target = Path(config.site_dir) / SHIM_IN_SITE
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SEARCH_SHIM, target)
