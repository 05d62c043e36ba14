"""Every attribute of FerrisSaysComponent x a table of hostile values, through real Dagster.

The attributes are read from the component's model, so a new one fails here until it has a row
in ATTRIBUTES (how a value goes into it, and what loading it means). Each value is written into
a real defs.yaml and loaded by Dagster's own component loading (ComponentTree, as `dg` loads);
the outcome must be one of:

- refused at load, naming ``defs.yaml:LINE`` and ``attributes.X`` (Dagster's resolver error, or
  its model's validation), bounded, with no Python traceback and no raw Python message;
- or loaded, and then, with the other values that loaded, built by load_from_defs_folder and
  materialized by a real ``dg.materialize`` running the real command.

Never a load that passes and a run that fails. The command's own options and variables are
crossed with the same kind of table in their own test module; HOSTILE is shaped to be joined
with it (a name, and the value as a function of a scratch directory).
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from pydantic import ValidationError
from support.dagster_project import (
    Project,
    error_chain,
    yaml_string,
)
from support.slow import sample

from ferris_says.dagster import FerrisSaysComponent

UNSET_VARIABLE = "FERRIS_SAYS_TEST_UNSET"
COW_WITH_A_TONGUE = "default"  # cowsay's cow (ferris_says.cowsay_cast) has a tongue


class Nested:
    """YAML nesting ``depth`` deep: ``[[[...]]]`` as YAML, not as text."""

    def __init__(self, depth: int) -> None:
        self.depth = depth


class Number:
    """A YAML number of ``digits`` digits, unquoted."""

    def __init__(self, digits: int) -> None:
        self.digits = digits


def fifo(scratch: Path) -> str:
    path = scratch / "fifo"
    if not path.exists():
        os.mkfifo(path)
    return str(path)


#: The hostile values: name -> the value, made in a scratch directory. Text, bytes (YAML's
#: !!binary: the only way a YAML file carries bytes that are not UTF-8), or YAML structure.
HOSTILE: dict[str, Callable[[Path], object]] = {
    "NUL": lambda _: "a\0b",
    "lone surrogate": lambda _: "\ud800",
    "surrogate escape": lambda _: "caf\udce9",
    "bytes not UTF-8": lambda _: b"caf\xe9",
    "1 MiB": lambda _: "x" * 2**20,
    "10,000-deep nesting": lambda _: Nested(10_000),
    "10,000-deep nesting as text": lambda _: "[" * 10_000 + "]" * 10_000,
    "5,000-digit number": lambda _: Number(5_000),
    "5,000 digits as text": lambda _: "7" * 5_000,
    "template rendering to nothing": lambda _: "{{ env." + UNSET_VARIABLE + " }}",
    "text Dagster would read as Python": lambda _: "None",
    "FIFO": fifo,
    "/dev/zero": lambda _: "/dev/zero",
    "directory": lambda scratch: str(scratch),
    "empty": lambda _: "",
}

#: What Dagster's own YAML reader cannot read, before any component sees the file: PyYAML
#: recurses once per level, and Python's int() takes at most 4300 digits. Loading still fails
#: (never a run); the message is Dagster's. If Dagster ever reads them, the usual rules apply.
YAML_READER_LIMITS = {
    "10,000-deep nesting": "maximum recursion depth exceeded",
    "5,000-digit number": "Exceeds the limit (4300 digits)",
}


def yaml_value(value: object) -> str:
    if isinstance(value, Nested):
        return "[" * value.depth + "]" * value.depth
    if isinstance(value, Number):
        return "7" * value.digits
    if isinstance(value, bytes):
        return "!!binary " + base64.b64encode(value).decode()
    assert isinstance(value, str), value
    return yaml_string(value)


@dataclass(frozen=True)
class Row:
    """How a hostile value goes into one attribute, and what loading it means.

    ``shape``: the value itself, an item of a list, or a value of a mapping. ``text``: whether
    the attribute is text (a NUL is refused there whatever builds the component). ``base``:
    other attributes it needs to be tried at all (a tongue needs a character that has one).
    ``runs``: whether a loaded component can be materialized here (``image`` needs a
    container engine: for it, the command is built and not run, as tests/test_component.py
    does).
    """

    shape: str = "value"
    text: bool = True
    base: str = ""
    runs: bool = True

    def yaml(self, value: str) -> str:
        return {"value": value, "item": f"[{value}]", "mapping": f"{{team: {value}}}"}[self.shape]

    def python(self, value: str) -> object:
        return {"value": value, "item": [value], "mapping": {"team": value}}[self.shape]


ATTRIBUTES: dict[str, Row] = {
    "words": Row(),
    "asset_key": Row(),
    "width": Row(text=False),
    "character": Row(),
    "think": Row(text=False),
    "mode": Row(),
    "eyes": Row(),
    "tongue": Row(base=f"character: {COW_WITH_A_TONGUE}\n"),
    "description": Row(),
    "group_name": Row(),
    "tags": Row(shape="mapping"),
    "kinds": Row(shape="item"),
    "owners": Row(shape="item"),
    "partition_keys": Row(shape="item"),
    "bubble": Row(),
    "image": Row(runs=False),
}

MODEL_ATTRIBUTES = list(FerrisSaysComponent.model_fields)

# An error from ferris-says' checkers or Dagster's validation is ours or Dagster's words; these
# are Python's own, which no user should have to read.
RAW_PYTHON = re.compile(
    r"Traceback \(most recent call last\)|\b[A-Z]\w*(?:Error|Exception): |embedded null byte"
    r"|codec can't|object is not|has no attribute|invalid literal|maximum recursion depth"
)
#: The whole error Dagster raises stays this small, whatever the value (a 1 MiB one included).
ERROR_MAX_CHARS = 16 * 1024


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DAGSTER_PIPES_CONTEXT", "DAGSTER_PIPES_MESSAGES", "COWPATH", UNSET_VARIABLE):
        monkeypatch.delenv(var, raising=False)


@dataclass
class Case:
    name: str
    key: str
    path: Path
    line: int


def write_case(project: Project, attribute: str, index: int, name: str, value: object) -> Case:
    row = ATTRIBUTES[attribute]
    key = value if attribute == "asset_key" and isinstance(value, str) else f"case_{index}"
    base = row.base
    if attribute != "words":
        base += "words: hi\n"
    if attribute != "asset_key":
        base += f"asset_key: {key}\n"
    # The attribute under test comes first: line 3 of defs.yaml (after type: and attributes:).
    path = project.add(f"case_{index}", f"{attribute}: {row.yaml(yaml_value(value))}\n{base}")
    return Case(name, key, path, 3)


def assert_refused_well(case: Case, attribute: str, error: BaseException) -> None:
    text = error_chain(error)
    where = re.escape(str(case.path))
    located = (
        rf"{where}:{case.line} - attributes\.{attribute}\b",  # a resolver's error
        rf"`attributes\.{attribute}\b[^`]* at {where}:{case.line}`",  # the model's validation
    )
    assert any(re.search(pattern, text) for pattern in located), (case.name, text[:3000])
    assert len(text) <= ERROR_MAX_CHARS, (case.name, len(text), text[:3000])
    raw = RAW_PYTHON.search(text)
    assert raw is None, (case.name, raw.group(0) if raw else "", text[:3000])


#: Each attribute loads every hostile file with Dagster (the 10,000-deep one costs PyYAML a second
#: and a half) and materializes what loads: `make test` tries one, a path, the kind most hostile
#: values aim at; `make test-slow` the others.
QUICK_ATTRIBUTE = "character"


@pytest.mark.parametrize(
    "attribute", sample(MODEL_ATTRIBUTES, lambda attribute: attribute == QUICK_ATTRIBUTE)
)
def test_every_hostile_value_is_refused_at_load_or_materializes(
    attribute: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, instance: dg.DagsterInstance
) -> None:
    assert attribute in ATTRIBUTES, (
        f"attribute {attribute!r} of FerrisSaysComponent is not in ATTRIBUTES: add its row (how"
        " a hostile value goes into it, and whether a loaded one can be materialized here)"
    )
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    trial = Project(tmp_path / "trial", monkeypatch)
    accepted: list[tuple[Case, object]] = []
    for index, (name, make) in enumerate(HOSTILE.items()):
        value = make(scratch)
        case = write_case(trial, attribute, index, name, value)
        try:
            trial.components()  # Dagster's loading, short of building the definitions
        except Exception as error:
            limit = YAML_READER_LIMITS.get(name)
            if limit is not None and limit in error_chain(error):
                continue  # Dagster's YAML reader, before any attribute (see YAML_READER_LIMITS)
            assert_refused_well(case, attribute, error)
        else:
            accepted.append((case, value))
        finally:
            shutil.rmtree(case.path.parent)
    if accepted:
        materialize_all(tmp_path / "accepted", monkeypatch, instance, attribute, accepted)


def materialize_all(
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    instance: dg.DagsterInstance,
    attribute: str,
    accepted: list[tuple[Case, object]],
) -> None:
    """The accepted values, side by side in one project loaded as `dg` loads it (definitions
    built: what fails only there fails the test, unnamed), each materialized for real."""
    project = Project(root, monkeypatch)
    cases = {
        write_case(project, attribute, index, case.name, value).key: case.name
        for index, (case, value) in enumerate(accepted)
    }
    defs = project.load()
    components = project.components()
    assert sorted(c.asset_key for c in components) == sorted(cases)
    if not ATTRIBUTES[attribute].runs:
        for component in components:
            assert component.arguments()[-2:] == ["--", component.words], cases[component.asset_key]
        return
    # One run for the unpartitioned assets (a step each), one per partition for the others.
    runs: dict[str | None, list[FerrisSaysComponent]] = {}
    for component in components:
        partitions: list[str | None] = [*(component.partition_keys or [])] or [None]
        for partition in partitions:
            runs.setdefault(partition, []).append(component)
    for partition, members in runs.items():
        assets = [defs.resolve_assets_def(component.key) for component in members]
        result = dg.materialize(
            assets, instance=instance, partition_key=partition, raise_on_error=False
        )
        names = [cases[component.asset_key] for component in members]
        assert result.success, (attribute, partition, names)
        for component, assets_def in zip(members, assets):
            [materialization] = result.asset_materializations_for_node(assets_def.node_def.name)
            assert materialization.asset_key == component.key, (
                attribute,
                cases[component.asset_key],
            )


def test_the_table_covers_the_model_and_nothing_else() -> None:
    assert set(ATTRIBUTES) == set(MODEL_ATTRIBUTES), textwrap.fill(
        "ATTRIBUTES and FerrisSaysComponent's attributes differ: "
        f"{sorted(set(ATTRIBUTES) ^ set(MODEL_ATTRIBUTES))}"
    )


@pytest.mark.parametrize("attribute", MODEL_ATTRIBUTES)
def test_a_component_built_in_python_is_checked_by_the_same_checkers(attribute: str) -> None:
    row = ATTRIBUTES[attribute]
    given: dict[str, Any] = {"words": "hi", attribute: row.python("a\0b")}
    with pytest.raises(ValidationError) as info:
        FerrisSaysComponent(**given)
    [error] = info.value.errors()
    assert error["loc"] == (attribute,), error  # the attribute's own validator, by name
    if row.text:
        assert "holds a NUL character (at character 1)" in error["msg"], error
    else:  # no text at all: pydantic's own type refuses the string first
        assert error["msg"].startswith("Input should be a valid "), error
