"""FerrisSaysComponent refuses at load what could never run, naming the file and attribute;
different asset keys never collide on one op name. Real Dagster: load_from_defs_folder and
`dg check defs` on projects written to tmp_path (the harness of test_component.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.dagster_project import (
    Project,
    dg_command,
    materialize,
    yaml_string,
)
from support.hypothesis_runs import process_runs

from ferris_says.attributes import WORDS_MAX_BYTES
from ferris_says.component_checks import op_name as _op_name
from ferris_says.dagster import FerrisSaysComponent

SLOW = process_runs(12)


text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\0"), max_size=20)


@SLOW
@given(before=text, after=text)
def test_words_with_a_nul_fail_at_load(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    before: str,
    after: str,
) -> None:
    project = Project(tmp_path_factory.mktemp("p") / "project", monkeypatch)
    words = yaml_string(before + "\0" + after)
    project.refused_at_load(f"words: {words}\n", "attributes.words", "NUL character")


@SLOW
@given(before=text, surrogate=st.integers(0xD800, 0xDFFF))
def test_words_with_a_lone_surrogate_fail_at_load(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    before: str,
    surrogate: int,
) -> None:
    project = Project(tmp_path_factory.mktemp("p") / "project", monkeypatch)
    words = yaml_string(before + chr(surrogate))
    project.refused_at_load(f"words: {words}\n", "attributes.words", "lone surrogate")


@pytest.mark.parametrize("extra", [1, 2, 1000, 200 * 1024])
def test_words_too_long_for_an_argument_fail_at_load(project: Project, extra: int) -> None:
    words = "é" * ((WORDS_MAX_BYTES + extra) // 2 + 1)
    project.refused_at_load(f"words: {yaml_string(words)}\n", "attributes.words", "command-line")


def test_words_of_the_largest_size_materialize(
    instance: dg.DagsterInstance, project: Project
) -> None:
    words = "x " * (WORDS_MAX_BYTES // 2) + "x"[: WORDS_MAX_BYTES % 2]
    assert len(words.encode()) == WORDS_MAX_BYTES
    project.add("big", f"asset_key: big\nwords: {yaml_string(words)}\n")
    _, mat = materialize(instance, project.load(), "big")
    assert str(mat.metadata["ferris_said"].value).startswith("x x x")


@pytest.mark.parametrize("key", ["/", "a/", "/a", "a//b", "crabs//", "a\x1bb", "a\x00b", "a\ud800"])
def test_asset_keys_that_cannot_run_fail_at_load(project: Project, key: str) -> None:
    project.refused_at_load(
        f"asset_key: {yaml_string(key)}\nwords: hi\n", "attributes.asset_key", "asset_key"
    )


@pytest.mark.parametrize("width", ["{{ env.FERRIS_UNSET_WIDTH }}", "{{ None }}", "{{ '' }}"])
def test_a_width_template_that_resolves_to_nothing_fails_at_load(
    project: Project, width: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FERRIS_UNSET_WIDTH", raising=False)
    project.refused_at_load(
        f'words: hi\nwidth: "{width}"\n', "attributes.width", "resolves to nothing"
    )


def test_a_width_template_that_resolves_to_a_number_still_works(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FERRIS_WIDTH", "5")
    project.add("w", 'asset_key: w\nwords: hello world\nwidth: "{{ env.FERRIS_WIDTH }}"\n')
    [component] = project.components()
    assert component.width == 5


def test_python_construction_is_checked_too() -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"words": "a\0b"}, "NUL"),
        ({"words": "a\ud800"}, "lone surrogate"),
        ({"words": "x" * (WORDS_MAX_BYTES + 1)}, "command-line"),
        ({"words": "hi", "asset_key": "/"}, "empty part"),
    ]
    for kwargs, says in cases:
        with pytest.raises(ValueError, match=says):
            FerrisSaysComponent(**kwargs)


# ---- op names: different keys, different ops -----------------------------------------------

key_part = st.text(st.sampled_from("ab_-./ é"), min_size=1, max_size=6).filter(
    lambda part: "/" not in part
)
keys = st.lists(key_part, min_size=1, max_size=3).map(tuple)


@given(st.lists(keys, min_size=2, max_size=6, unique=True))
def test_different_keys_never_share_an_op_name(paths: list[tuple[str, ...]]) -> None:
    names = [_op_name(dg.AssetKey(list(path))) for path in paths]
    assert len(set(names)) == len(names), dict(zip(names, paths))
    for name in names:
        assert dg.AssetKey([name]) and all(c.isalnum() or c == "_" for c in name) and name.isascii()


@pytest.mark.parametrize("key", ["ferris", "crabs/ferris", "ferris_greeting", "a1/b2/c3"])
def test_plain_keys_keep_dagsters_op_name(key: str) -> None:
    asset_key = dg.AssetKey.from_user_string(key)
    assert _op_name(asset_key) == asset_key.to_python_identifier()


@pytest.mark.parametrize(("first", "second"), [("a-b", "a_b"), ("a/b", "a__b"), ("a.b", "a-b")])
def test_keys_that_dagster_would_name_alike_load_and_materialize_side_by_side(
    instance: dg.DagsterInstance, project: Project, first: str, second: str
) -> None:
    project.add("one", f"asset_key: {yaml_string(first)}\nwords: one two three\n")
    project.add("two", f"asset_key: {yaml_string(second)}\nwords: four five six\n")
    defs = project.load()
    for key, words in ((first, "one two three"), (second, "four five six")):
        _, mat = materialize(instance, defs, key)
        assert mat.metadata["ferris_said"].value == words


@pytest.mark.slow  # dg: a process that imports Dagster and its CLI
@pytest.mark.parametrize(
    ("attributes", "attribute", "says"),
    [
        ('asset_key: "/"\nwords: hi\n', "attributes.asset_key", "empty part"),
        ('words: "a\\0b"\n', "attributes.words", "NUL character"),
    ],
    ids=["bad key", "words with a NUL"],
)
def test_dg_check_defs_names_the_file_and_attribute(
    project: Project, dagster_home: Path, attributes: str, attribute: str, says: str
) -> None:
    path = project.add("bad", attributes)
    check = dg_command(["check", "defs"], project.root, dagster_home)
    assert check.returncode != 0
    output = check.stdout + check.stderr
    assert str(path) in output and attribute in output, output
    assert says in output
