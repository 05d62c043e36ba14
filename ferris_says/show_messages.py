"""Show a Dagster Pipes messages file readably: ``python -m ferris_says.show_messages [FILE]``.

``make demo`` runs it on ``fake_temp/messages.json`` after ``ferris-says`` wrote there: one row
per message (the checks with their outcome, the materialization with its metadata and the
bubble as Dagster's UI renders it), and any line that is not a Pipes message flagged in red.
"""

from __future__ import annotations

import json
import sys

from rich import box
from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from ferris_says import failures

USAGE = "python -m ferris_says.show_messages [FILE]"
DEFAULT_PATH = "fake_temp/messages.json"
SHOWN_CHARS = 300  # long values are cut for display; the file keeps them whole


def _short(value: object, limit: int = SHOWN_CHARS) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


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
            rows.append(Text.assemble(("  " + key, "cyan"), (" (md):", "dim")))
            rows.append(Markdown(value if len(value) <= 20_000 else value[:20_000] + "\n…"))
        else:
            rows.append(Text.assemble(("  " + key, "cyan"), (f" ({kind}): ", "dim"), _short(value)))
    return rows


def _exception(exc: object) -> Text:
    if not isinstance(exc, dict):
        return Text(_short(exc), style="red")
    message = str(exc.get("message") or "").strip()
    return Text(f"closed with exception {exc.get('name')}: {_short(message)}", style="bold red")


def describe(message: object) -> tuple[str, RenderableType, str]:
    """(method, rich renderable, row style) for one decoded message."""
    if not isinstance(message, dict) or "__dagster_pipes_version" not in message:
        return "?", Text(f"not a Pipes message: {_short(message)}", style="red"), "red"
    method = message.get("method")
    params: object = message.get("params") or {}  # JSON: checked before use
    if not isinstance(params, dict):
        return str(method), Text(f"params is not an object: {_short(params)}", style="red"), "red"
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
            Text.assemble((f"[{level}] ", "dim"), (str(params.get("message")), style)),
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
            (str(params.get("check_name")), "bold"),
            (f"  severity {params.get('severity')}, asset {params.get('asset_key')}", "dim"),
        )
        return method, Group(head, *_metadata(params.get("metadata"))), ""
    if method == "report_asset_materialization":
        head = Text.assemble(
            ("materialized ", "green"),
            (str(params.get("asset_key")), "bold"),
            (f"  data_version {params.get('data_version')}", "dim"),
        )
        return method, Group(head, *_metadata(params.get("metadata"))), ""
    return str(method), Text(_short(params), style="yellow"), ""


def show(path: str, console: Console) -> int:
    table = Table(title=f"Dagster Pipes messages in {path}", box=box.SIMPLE_HEAD, expand=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("method", style="magenta", no_wrap=True)
    table.add_column("what it says")
    count = 0
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, 1):
                line = line.rstrip("\n")
                if not line.strip():
                    continue
                count += 1
                try:
                    message = json.loads(line)
                except ValueError:
                    table.add_row(str(number), "?", Text(f"not JSON: {_short(line)}", style="red"))
                    continue
                method, body, style = describe(message)
                table.add_row(str(number), method, body, style=style or None)
    except OSError as error:
        Console(stderr=True).print(f"[red]error:[/] {path}: {error.strerror or error}")
        return 1
    if count == 0:
        console.print(f"{path}: no messages")
        return 0
    console.print(table)
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m ferris_says.show_messages [FILE]``: any failure is one line and status 1
    (`failures.report`, as for the command)."""
    args = sys.argv[1:] if argv is None else argv
    try:
        if args and args[0] in ("-h", "--help"):
            print((__doc__ or USAGE).strip())  # `python -OO` strips docstrings
            return 0
        return show(args[0] if args else DEFAULT_PATH, Console(highlight=False))
    except (Exception, KeyboardInterrupt) as error:
        return failures.report(error)


if __name__ == "__main__":
    sys.exit(main())
