"""Show a Dagster Pipes messages file readably: ``python -m ferris_says.show_messages [FILE]``.

``make demo`` runs it on ``fake_temp/messages.json`` after ``ferris-says`` wrote there: one row
per message (the checks with their outcome, the materialization with its metadata and the
bubble as Dagster's UI renders it), and any line that is not a Pipes message flagged in red.

The file is read through the input gate: a regular file of at most 64 MiB (a FIFO or a device
is refused by name, never waited on or read without end). Whatever a line holds (JSON nested
100,000 deep, control characters, ESC), it is a row of the table, its values escaped and cut:
one line on stderr or a table, never a traceback, never a raw control character.
"""

from __future__ import annotations

import json
import os
import sys

from rich import box
from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from ferris_says import failures, inputs
from ferris_says.errors import PATH_SHOWN, shown
from ferris_says.pipes.sources import json_stage_error

USAGE = "python -m ferris_says.show_messages [FILE]"
DEFAULT_PATH = "fake_temp/messages.json"
#: A value in a cell of the table, in bytes; the file keeps it whole.
CELL_SHOWN = 300
#: The Markdown bubble shown, in characters.
MARKDOWN_SHOWN = 20_000
#: Narrower than this (COLUMNS=0, a tiny terminal), the table is laid out for 80 columns.
MIN_COLUMNS = 20


def _short(value: object, limit: int = CELL_SHOWN) -> str:
    try:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    except (ValueError, RecursionError):
        text = f"a {type(value).__name__}"
    return shown(text, limit, quote=False)


def _markdown(text: str) -> str:
    """Markdown as rich renders it, with no control character but the newline left raw."""
    text = text if len(text) <= MARKDOWN_SHOWN else text[:MARKDOWN_SHOWN] + "\n…"
    if all(ch.isprintable() or ch == "\n" for ch in text):
        return text
    return "".join(
        ch if ch.isprintable() or ch == "\n" else shown(ch, 16, quote=False) for ch in text
    )


def _metadata(metadata: object) -> list[RenderableType]:
    rows: list[RenderableType] = []
    if not isinstance(metadata, dict):  # JSON null: none; any other non-object is flagged
        if metadata is not None:
            rows.append(Text(f"  metadata is not an object: {_short(metadata)}", style="red"))
        return rows
    for key, entry in metadata.items():
        if isinstance(entry, dict) and set(entry) == {"raw_value", "type"}:
            kind, value = entry["type"], entry["raw_value"]
        else:
            kind, value = "__infer__", entry
        if kind == "md" and isinstance(value, str):
            rows.append(Text.assemble(("  " + _short(key), "cyan"), (" (md):", "dim")))
            rows.append(Markdown(_markdown(value)))
        else:
            rows.append(
                Text.assemble(
                    ("  " + _short(key), "cyan"), (f" ({_short(kind)}): ", "dim"), _short(value)
                )
            )
    return rows


def _exception(exc: object) -> Text:
    if not isinstance(exc, dict):
        return Text(_short(exc), style="red")
    message = str(exc.get("message") or "").strip()
    name = _short(exc.get("name"))
    return Text(f"closed with exception {name}: {_short(message)}", style="bold red")


def describe(message: object) -> tuple[str, RenderableType, str]:
    """(method, rich renderable, row style) for one decoded message."""
    if not isinstance(message, dict) or "__dagster_pipes_version" not in message:
        return "?", Text(f"not a Pipes message: {_short(message)}", style="red"), "red"
    method = message.get("method")
    params: object = message.get("params") or {}  # JSON: checked before use
    if not isinstance(params, dict):
        flagged = Text(f"params is not an object: {_short(params)}", style="red")
        return _short(method), flagged, "red"
    if method == "opened":
        extras = params.get("extras")
        return method, Text("session opened" + (f", extras {_short(extras)}" if extras else "")), ""
    if method == "closed":
        if params.get("exception"):
            return method, _exception(params["exception"]), "red"
        return method, Text("session closed", style="green"), ""
    if method == "log":
        level = str(params.get("level", "")).upper()
        style = {"ERROR": "red", "CRITICAL": "red", "WARNING": "yellow"}.get(level, "")
        return (
            method,
            Text.assemble((f"[{_short(level)}] ", "dim"), (_short(params.get("message")), style)),
            "",
        )
    if method == "report_asset_check":
        passed = params.get("passed") is True
        mark = (
            ("✔ passed", "green")
            if passed
            else ("✘ failed", "red" if params.get("severity") == "ERROR" else "yellow")
        )
        head = Text.assemble(
            mark,
            " ",
            (_short(params.get("check_name")), "bold"),
            (
                f"  severity {_short(params.get('severity'))},"
                f" asset {_short(params.get('asset_key'))}",
                "dim",
            ),
        )
        return method, Group(head, *_metadata(params.get("metadata"))), ""
    if method == "report_asset_materialization":
        head = Text.assemble(
            ("materialized ", "green"),
            (_short(params.get("asset_key")), "bold"),
            (f"  data_version {_short(params.get('data_version'))}", "dim"),
        )
        return method, Group(head, *_metadata(params.get("metadata"))), ""
    return _short(method), Text(_short(params), style="yellow"), ""


def show(path: str, console: Console) -> int:
    where = shown(path, PATH_SHOWN)
    table = Table(
        title=f"Dagster Pipes messages in {shown(path, PATH_SHOWN, quote=False)}",
        box=box.SIMPLE_HEAD,
        expand=False,
    )
    table.add_column("#", justify="right", style="dim")
    table.add_column("method", style="magenta", no_wrap=True)
    table.add_column("what it says")
    data = inputs.read_file(path, inputs.MESSAGES, where)  # a FerrisError is the one line
    count = 0
    for number, raw in enumerate(data.splitlines(), 1):
        line = raw.decode("utf-8", "replace")
        if not line.strip():
            continue
        count += 1
        try:
            message = json.loads(line)
        except (ValueError, RecursionError, MemoryError) as error:
            why = json_stage_error(error)
            table.add_row(str(number), "?", Text(f"{why}: {_short(line)}", style="red"))
            continue
        method, body, style = describe(message)
        table.add_row(str(number), method, body, style=style or None)
    if count == 0:
        console.print(Text(f"{shown(path, PATH_SHOWN, quote=False)}: no messages"))
        return 0
    console.print(table)
    return 0


def console() -> Console:
    """rich's Console for stdout, laid out for 80 columns when COLUMNS or the terminal says
    fewer than MIN_COLUMNS (rich fails on a width of 0)."""
    columns = os.environ.get("COLUMNS", "")
    width = 80 if columns.strip().isdigit() and int(columns) < MIN_COLUMNS else None
    return Console(highlight=False, width=width)


def main(argv: list[str] | None = None) -> int:
    """``python -m ferris_says.show_messages [FILE]``: any failure is one line and status 1
    (`failures.report`, as for the command)."""
    args = sys.argv[1:] if argv is None else argv
    try:
        if args and args[0] in ("-h", "--help"):
            print((__doc__ or USAGE).strip())  # `python -OO` strips docstrings
            return 0
        path = inputs.from_bytes(os.fsencode(args[0])) if args else DEFAULT_PATH
        return show(path, console())
    except (Exception, KeyboardInterrupt) as error:
        return failures.report(error)


if __name__ == "__main__":
    sys.exit(main())
