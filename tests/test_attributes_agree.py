"""One checker per attribute: for any value of eyes, tongue, mode or character, the component
(a real defs.yaml loaded by Dagster), the command line (-e, -T, --mode, -c) and the Pipes extras
give the same verdict, and a refusal in the same words.

Values hold no Jinja marker: in a defs.yaml, ``{{ ... }}`` is a template (rendered first), on the
command line it is text. The command line cannot carry NUL, nor a lone surrogate other than the
U+DC80..U+DCFF that stand for bytes that are not UTF-8: such values are tried through the extras
only (JSON carries any of them).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.dagster_project import (
    Project,
    dg_command,
    error_chain,
    yaml_string,
)
from support.hypothesis_runs import process_runs
from support.run_command import (
    CLEAN_ENV,
    FERRIS,
    command,
    dagster_env,
    one_error_line,
)

from ferris_says import looks
from ferris_says.component_checks import TEMPLATE_MARKERS

COW = "default"  # cowsay's cow, which has $eyes and $tongue
#: Each attribute, its command-line option, and what else it needs to be drawn at all.
OPTIONS = {"eyes": "--eyes", "tongue": "--tongue", "mode": "--mode", "character": "--character"}
NEEDS = {"tongue": {"character": COW}}

SLOW = process_runs(40)


def untemplated(value: str) -> bool:
    return not any(marker in value for marker in TEMPLATE_MARKERS)


any_text = st.text(st.characters(codec=None), max_size=8)  # NUL and lone surrogates included
values = st.one_of(
    any_text,
    st.builds(
        lambda head, code, tail: head + chr(code) + tail,
        any_text,
        st.integers(0xD800, 0xDFFF) | st.integers(0xDC80, 0xDCFF) | st.just(0),
        any_text,
    ),
    st.sampled_from(
        [*looks.MODES, "ferris", "clippy", "tux", "cow", COW, "./missing.cow", "/", "", "x" * 5000]
    ),
).filter(untemplated)


def on_argv(value: str) -> bool:
    """Whether a command line can carry ``value`` (argv bytes: no NUL; surrogates only as the
    escapes of bytes that are not UTF-8)."""
    if "\0" in value:
        return False
    try:
        os.fsencode(value)
    except UnicodeEncodeError:
        return False
    return all(not 0xD800 <= ord(ch) <= 0xDFFF or 0xDC80 <= ord(ch) <= 0xDCFF for ch in value)


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DAGSTER_PIPES_CONTEXT", "DAGSTER_PIPES_MESSAGES", "COWPATH"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="ferris-agree-") as folder:
        yield Path(folder)


def component_verdict(project: Project, attribute: str, value: str) -> str | None:
    """None when Dagster loads the component, else the whole error it raised."""
    lines = [f"{attribute}: {yaml_string(value)}", "words: hi"]
    lines += [f"{name}: {yaml_string(given)}" for name, given in NEEDS.get(attribute, {}).items()]
    path = project.add("agree", "".join(f"{line}\n" for line in lines))
    try:
        project.load()
    except Exception as error:
        return error_chain(error)
    finally:
        shutil.rmtree(path.parent)
    return None


def command_verdict(args: list[str], scratch: Path, env: dict[str, str]) -> str | None:
    """None when the command draws, else its one error line without the prefix."""
    done = command([FERRIS, *args], cwd=scratch, env={**CLEAN_ENV, **env}, input=None)
    if done.returncode == 0:
        assert done.stderr == b"", done.stderr
        return None
    assert done.returncode == 2, done.stderr
    return one_error_line(done.stderr).removeprefix("ferris-says: error: ")


@SLOW
@given(attribute=st.sampled_from(list(OPTIONS)), value=values)
def test_component_command_line_and_extras_agree(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    scratch: Path,
    attribute: str,
    value: str,
) -> None:
    project = Project(tmp_path_factory.mktemp("agree") / "project", monkeypatch)
    refused = component_verdict(project, attribute, value)
    needs = NEEDS.get(attribute, {})
    extras = {**needs, attribute: value}
    messages = scratch / "messages.jsonl"
    verdicts = {
        "extras": command_verdict(
            ["--color", "never", "hi"],
            scratch,
            dagster_env(messages, {"asset_keys": ["ferris"], "extras": extras}),
        )
    }
    if on_argv(value):
        options = [f"--{name}={given}" for name, given in needs.items()]
        verdicts["command line"] = command_verdict(
            ["--color", "never", *options, f"{OPTIONS[attribute]}={value}", "--", "hi"],
            scratch,
            {},
        )
    for surface, line in verdicts.items():
        assert (line is None) == (refused is None), (surface, line, refused and refused[:2000])
        if line is not None and refused is not None:
            # (The extras' checker line says where the value came from, then the same words.)
            where = f'Dagster extras "{attribute}": '
            said = line[len(where) :] if line.startswith(where) else line
            assert said in refused, (surface, line, refused[:2000])


@pytest.mark.parametrize(
    ("attribute", "value", "says"),
    [
        ("eyes", "\0\0", "eyes holds a NUL character (at character 0)"),
        ("eyes", "\ud800", "eyes is not valid Unicode text: a lone surrogate U+D800"),
        ("tongue", "a\udce9", "the byte 0xe9 of text that is not UTF-8"),
        ("mode", "sleepy", "unknown mode 'sleepy'"),
        ("character", "./a\0.cow", "character holds a NUL character (at character 3)"),
    ],
)
def test_the_issues_cases_are_refused_in_our_words_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, attribute: str, value: str, says: str
) -> None:
    refused = component_verdict(Project(tmp_path / "project", monkeypatch), attribute, value)
    assert refused is not None and says in refused, refused
    assert "embedded null byte" not in refused and "Traceback" not in refused
    extras = {**NEEDS.get(attribute, {}), attribute: value}
    env = dagster_env(tmp_path / "messages.jsonl", {"asset_keys": ["ferris"], "extras": extras})
    line = command_verdict(["hi"], tmp_path, env)
    assert line is not None and says in line, line


@pytest.mark.slow  # dg: a process that imports Dagster and its CLI
def test_dg_check_defs_names_the_attribute_of_eyes_with_a_nul(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = Project(tmp_path / "project", monkeypatch)
    path = project.add("bad", 'words: hi\neyes: "\\0\\0"\n')
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    check = dg_command(["check", "defs"], project.root, home)
    assert check.returncode != 0
    output = check.stdout + check.stderr
    assert f"{path}:4 - attributes.eyes" in output, output
    assert "eyes holds a NUL character" in output and "embedded null byte" not in output


def test_an_unset_template_for_mode_fails_at_load_naming_the_attribute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FERRIS_SAYS_UNSET_MODE", raising=False)
    project = Project(tmp_path / "project", monkeypatch)
    path = project.add("bad", 'words: hi\nmode: "{{ env.FERRIS_SAYS_UNSET_MODE }}"\n')
    text = project.load_error()
    assert f"{path}:4 - attributes.mode" in text and "resolves to nothing" in text, text
    monkeypatch.setenv("FERRIS_SAYS_UNSET_MODE", "dead")
    [component] = project.components()
    assert component.mode == "dead"
