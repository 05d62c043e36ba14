"""cowsay's choices under real Dagster: FerrisSaysComponent's character/think/mode/eyes/tongue
attributes (checked at load) and the Pipes extras, with the drawn character and mode in the
materialization's metadata."""

import subprocess
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from support.dagster_events import markdown_picture, materialization
from support.dagster_project import (
    Project,
    materialize,
)
from support.run_command import CLEAN_ENV, FERRIS
from support.system_tools import COWTHINK, DEBIAN_COWS, needs
from test_cowsay_oracle import ORACLE_ENV

from ferris_says.dagster import FerrisSaysComponent

DEFAULT_COW = f"{DEBIAN_COWS}/default.cow"
CHECKS = ("ferris_should_say_something", "ferris_should_speak_3_words")


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("DAGSTER_PIPES_CONTEXT", "DAGSTER_PIPES_MESSAGES", "COWPATH", "FERRIS_SAYS_SEED"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)  # no ./fake_temp/


def said(options: list[str], words: str) -> str:
    done = subprocess.run(
        [FERRIS, "--color", "never", *options, "--", words],
        capture_output=True,
        check=True,
        env=CLEAN_ENV,
        stdin=subprocess.DEVNULL,
    )
    return done.stdout.decode()


def cowthink(options: list[str], words: str) -> str:
    done = subprocess.run(
        [COWTHINK, *options, words], capture_output=True, env=ORACLE_ENV, check=True
    )
    return done.stdout.decode()


# ---- the component's attributes ---------------------------------------------------------------


@needs("cowsay")
def test_yaml_attributes_draw_what_cowthink_draws(
    instance: dg.DagsterInstance, project: Project
) -> None:
    project.add(
        "cow",
        "asset_key: cow\n"
        "words: moo from Dagster\n"
        f"character: {DEFAULT_COW}\n"
        "think: true\n"
        "mode: stoned\n"
        "eyes: '^^'\n",
    )
    _, mat = materialize(instance, project.load(), "cow")
    picture = markdown_picture(mat.metadata["ferris"].value)
    assert picture == cowthink(["-f", DEFAULT_COW, "-e", "^^", "-s"], "moo from Dagster")
    assert mat.metadata["character"].value == DEFAULT_COW
    assert mat.metadata["mode"].value == "stoned"


def test_ferris_thinks_with_eyes_from_python(instance: dg.DagsterInstance) -> None:
    component = FerrisSaysComponent(
        asset_key="thinking", words="-e is a word", think=True, eyes="-x"
    )
    assert component.arguments()[-4:] == ["--think", "--eyes=-x", "--", "-e is a word"]
    _, mat = materialize(instance, dg.build_defs_for_component(component), "thinking")
    assert markdown_picture(mat.metadata["ferris"].value) == said(
        ["--think", "--eyes=-x"], "-e is a word"
    )
    assert mat.metadata["character"].value == "ferris"
    assert mat.metadata["mode"].value == "none"


def hostile_cow(folder: Path) -> Path:
    marker = folder / "ran"
    path = folder / "evil.cow"
    path.write_text(f'# hi\nsystem("touch {marker}");\n$the_cow = <<EOC;\nx\nEOC\n')
    return path


@pytest.mark.parametrize(
    ("attributes", "attribute", "says"),
    [
        ("mode: sleepy\n", "attributes.mode", "unknown mode 'sleepy'"),
        ("character: nobody\n", "attributes.character", "unknown character 'nobody'"),
        ("character: HOSTILE\n", "attributes.character", "evil.cow:2: "),
        ("character: ./missing.cow\n", "attributes.character", "does not exist"),
        ("character: pig\neyes: '^^'\n", "attributes.eyes", "pig has no place for eyes"),
        ("character: cow\nmode: dead\n", "attributes.mode", "cow has no place for eyes"),
        ("tongue: 'U '\n", "attributes.tongue", "ferris has no tongue"),
        ("character: clippy\nmode: dead\ntongue: U\n", "attributes.tongue", "clippy has no tongue"),
        ("think: maybe\n", "attributes.think", "think must be true or false"),
    ],
)
def test_bad_look_attributes_fail_at_load(
    project: Project, tmp_path: Path, attributes: str, attribute: str, says: str
) -> None:
    attributes = attributes.replace("HOSTILE", str(hostile_cow(tmp_path)))
    project.refused_at_load("words: hi\n" + attributes, attribute, says)
    assert not (tmp_path / "ran").exists()


def test_bad_attributes_from_python_fail_too(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown mode"):
        FerrisSaysComponent(words="hi", mode="sleepy")
    with pytest.raises(ValueError, match=r"evil\.cow:2: "):
        FerrisSaysComponent(words="hi", character=str(hostile_cow(tmp_path)))
    with pytest.raises(ValueError, match="no tongue"):
        FerrisSaysComponent(words="hi", character="clippy", tongue="U ")


# ---- the Pipes extras ---------------------------------------------------------------------------


def extras_asset(args: list[str], extras: dict[str, Any]) -> dg.AssetsDefinition:
    @dg.asset(name="ferris", check_specs=[dg.AssetCheckSpec(c, asset="ferris") for c in CHECKS])
    # No return annotation: Dagster would read it as the only output, with no room for checks.
    def _asset(  # type: ignore[no-untyped-def]
        context: dg.AssetExecutionContext, pipes: dg.PipesSubprocessClient
    ):
        return pipes.run(
            command=[FERRIS, "--color", "never", *args], context=context, extras=extras
        ).get_materialize_result()

    return _asset


def run_extras(
    instance: dg.DagsterInstance, args: list[str], extras: dict[str, Any], **kwargs: Any
) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [extras_asset(args, extras)],
        instance=instance,
        resources={"pipes": dg.PipesSubprocessClient(env=CLEAN_ENV)},
        **kwargs,
    )


@needs("cowsay")
def test_extras_choose_the_look(instance: dg.DagsterInstance) -> None:
    extras = {
        "words": "through the extras",
        "character": DEFAULT_COW,
        "mode": "dead",
        "think": True,
        "tongue": "ww",
    }
    result = run_extras(instance, [], extras)
    mat = materialization(result)
    picture = markdown_picture(mat.metadata["ferris"].value)
    assert picture == cowthink(["-f", DEFAULT_COW, "-d", "-T", "ww"], "through the extras")
    assert mat.metadata["character"].value == DEFAULT_COW
    assert mat.metadata["mode"].value == "dead"


def test_the_command_line_wins_over_the_extras(instance: dg.DagsterInstance) -> None:
    # Plain words (the plain path) with extras: the extras still set the look; options win.
    extras = {"character": "clippy", "mode": "borg", "eyes": "^^"}
    mat = materialization(run_extras(instance, ["-e", "xy", "plain words here"], extras))
    assert markdown_picture(mat.metadata["ferris"].value) == said(
        ["-c", "clippy", "--mode", "borg"], "plain words here"
    )
    mat = materialization(run_extras(instance, ["plain words here"], {"character": "clippy"}))
    assert markdown_picture(mat.metadata["ferris"].value) == said(
        ["-c", "clippy"], "plain words here"
    )
    assert mat.metadata["character"].value == "clippy"


@pytest.mark.parametrize(
    ("extras", "says"),
    [
        ({"mode": 3}, 'Dagster extras "mode": mode must be text, not'),
        ({"think": "yes"}, 'Dagster extras "think": think must be true or false'),
        ({"mode": "sleepy"}, "unknown mode 'sleepy'"),
        ({"character": "pig", "eyes": "^^"}, "pig has no place for eyes"),
    ],
)
def test_bad_extras_fail_the_run_with_one_line(
    instance: dg.DagsterInstance, extras: dict[str, Any], says: str
) -> None:
    result = run_extras(instance, ["hi"], extras, raise_on_error=False)
    assert not result.success
    # The command's one-line error reaches Dagster through Pipes' `closed`.
    errors = []
    for entry in instance.all_logs(result.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        event: Any = entry.dagster_event
        if "closed with exception" in (event.message or ""):
            errors.append(event.event_specific_data.error.message)
    assert len(errors) == 1
    assert says in errors[0] and "\n" not in errors[0].strip()
