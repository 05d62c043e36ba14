"""FerrisSaysComponent in real Dagster: YAML loading, materializations, dg, validation.

Needs Dagster's components (1.11+), dagster-dg-cli and dagster-docker: all in the `test` extra
(`make test`). Not run on the blog's Dagster 1.8.4, which has no components.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from pathlib import Path

import dagster as dg
import pytest
from pytest import MonkeyPatch
from support.dagster_events import check_evaluations, data_version, markdown_picture
from support.dagster_project import (
    TYPE,
    Project,
    dg_command,
    error_chain,
    materialize,
)
from support.dg_json import listed_asset_keys, listed_components
from support.run_command import CLEAN_ENV, FERRIS, sha256
from support.system_tools import needs

from ferris_says.dagster import FerrisSaysComponent

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "dagster_example"
BLOG_WORDS = "'Say, say, say'"
CHECKS = {"ferris_should_say_something", "ferris_should_speak_3_words"}


@pytest.fixture(autouse=True)
def _no_inherited_pipes_vars(monkeypatch: MonkeyPatch, tmp_path: Path) -> None:
    for var in ("DAGSTER_PIPES_CONTEXT", "DAGSTER_PIPES_MESSAGES"):
        monkeypatch.delenv(var, raising=False)


def said(options: Sequence[str], words: str) -> str:
    """What the installed ferris-says prints for these options and words (in a scratch
    directory: in the checkout's root, ./fake_temp/ would take the run's messages)."""
    with tempfile.TemporaryDirectory(prefix="ferris-said-") as scratch:
        done = subprocess.run(
            [FERRIS, "--color", "never", *options, "--", words],
            capture_output=True,
            check=True,
            cwd=scratch,
            env=CLEAN_ENV,
            stdin=subprocess.DEVNULL,
        )
    return done.stdout.decode()


# ---- the example project ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_defs() -> dg.Definitions:
    sys.path.insert(0, str(EXAMPLE))
    try:
        return dg.load_from_defs_folder(path_within_project=EXAMPLE)
    finally:
        sys.path.remove(str(EXAMPLE))


def test_the_example_holds_the_blogs_asset_and_the_component(example_defs: dg.Definitions) -> None:
    graph = example_defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert keys == {"ferris", "ferris_from_yaml"}
    checks = {(key.asset_key.to_user_string(), key.name) for key in graph.asset_check_keys}
    assert checks == {(asset, check) for asset in keys for check in CHECKS}


def test_the_examples_component_materializes_with_its_width(
    instance: dg.DagsterInstance, example_defs: dg.Definitions
) -> None:
    result, mat = materialize(instance, example_defs, "ferris_from_yaml")
    # The blog's words, quotes kept, although they went through Dagster's YAML resolution.
    assert mat.metadata["ferris_said"].value == BLOG_WORDS
    picture = markdown_picture(mat.metadata["ferris"].value)
    assert picture == said(["--width", "12"], BLOG_WORDS)
    assert picture.startswith(" ____________\n/ 'Say, say, \\\n\\ say'       /\n")
    assert data_version(mat) == sha256(BLOG_WORDS)
    evaluations = check_evaluations(instance, result)
    assert set(evaluations) == CHECKS
    assert all(e.passed for e in evaluations.values())
    assert evaluations["ferris_should_speak_3_words"].metadata[
        "number_of_words_spoken_by_ferris"
    ] == dg.IntMetadataValue(3)
    assert evaluations["ferris_should_say_something"].severity == dg.AssetCheckSeverity.ERROR
    assert evaluations["ferris_should_speak_3_words"].severity == dg.AssetCheckSeverity.WARN


def test_the_examples_blog_asset_still_materializes_from_the_defs_folder(
    instance: dg.DagsterInstance, example_defs: dg.Definitions
) -> None:
    # The resolved asset comes with the blog's pipes_subprocess_client resource bound.
    result, mat = materialize(instance, example_defs, "ferris")
    assert mat.metadata["ferris_said"].value == BLOG_WORDS
    assert markdown_picture(mat.metadata["ferris"].value) == said([], BLOG_WORDS)
    assert set(check_evaluations(instance, result)) == CHECKS


# ---- what the component runs ----------------------------------------------------------------


def test_the_command_is_this_pythons_ferris_says_never_path() -> None:
    component = FerrisSaysComponent(words="-v is a word", width=7, character="clippy")
    assert component.local_command() == [
        sys.executable,
        "-m",
        "ferris_says",
        "--color",
        "never",
        "--width",
        "7",
        "--character",
        "clippy",
        "--",
        "-v is a word",
    ]
    assert isinstance(component.pipes_client(), dg.PipesSubprocessClient)


def test_character_and_words_like_options(
    instance: dg.DagsterInstance, monkeypatch: MonkeyPatch
) -> None:
    # No PATH at all: the command is found through sys.executable.
    monkeypatch.setenv("PATH", "")
    component = FerrisSaysComponent(
        asset_key="clippy_says", words="-v is a word", character="clippy"
    )
    defs = dg.build_defs_for_component(component)
    _, mat = materialize(instance, defs, "clippy_says")
    assert mat.metadata["ferris_said"].value == "-v is a word"
    assert markdown_picture(mat.metadata["ferris"].value) == said(
        ["--character", "clippy"], "-v is a word"
    )


def test_two_words_fail_the_warn_check_not_the_run(
    instance: dg.DagsterInstance, project: Project
) -> None:
    project.add("two", "asset_key: two\nwords: two words\n")
    result, _ = materialize(instance, project.load(), "two")
    evaluations = check_evaluations(instance, result)
    assert evaluations["ferris_should_say_something"].passed
    assert not evaluations["ferris_should_speak_3_words"].passed


def test_asset_attributes_and_partitions(instance: dg.DagsterInstance, project: Project) -> None:
    project.add(
        "crab",
        textwrap.dedent(
            """\
            asset_key: crabs/ferris
            words: a b c
            description: Ferris, partitioned
            group_name: crabs
            tags: {team: rust, version: 2}
            kinds: [python]
            owners: [team:crabs]
            partition_keys: [north, south]
            """
        ),
    )
    defs = project.load()
    key = dg.AssetKey(["crabs", "ferris"])
    spec = next(iter(defs.resolve_assets_def(key).specs))
    assert spec.description == "Ferris, partitioned"
    assert spec.group_name == "crabs"
    assert spec.tags["team"] == "rust" and spec.tags["version"] == "2"
    assert spec.kinds == {"python"}
    assert spec.owners == ["team:crabs"]
    assert spec.partitions_def == dg.StaticPartitionsDefinition(["north", "south"])
    _, north = materialize(instance, defs, "crabs/ferris", partition_key="north")
    assert north.partition == "north"
    assert north.metadata["partition_key"].value == "north"
    assert data_version(north) != sha256("a b c")


# ---- point 5: the words survive Dagster's template resolution -----------------------------------


class PlainWords(dg.Resolvable, dg.Model):
    words: str


def test_dagster_itself_reads_a_quoted_yaml_string_as_a_python_literal() -> None:
    """Why the component needs its own resolver: a plain str field loses the quotes."""
    resolved = PlainWords.resolve_from_yaml("words: \"'Say, say, say'\"")
    assert resolved.words == "Say, say, say"


@pytest.mark.parametrize(
    "words",
    [
        BLOG_WORDS,
        '"double quoted"',
        "'a' 'b'",  # Python would concatenate these
        "None",
        "True",
        "[1, 2]",
        "{not: a template}",
        "  leading spaces",
        "line one\nline two\n",
        "",
    ],
)
def test_yaml_words_reach_the_command_as_written(project: Project, words: str) -> None:
    project.add("w", f"words: {json.dumps(words)}\n")
    [ferris] = project.components()
    assert ferris.words == words
    assert ferris.local_command()[-2:] == ["--", words]


def test_templated_words_render_as_text(project: Project, monkeypatch: MonkeyPatch) -> None:
    monkeypatch.setenv("FERRIS_TEST_WORDS", BLOG_WORDS)
    project.add("t", "words: \"{{ env.FERRIS_TEST_WORDS }}, said {{ 'Ferris' }}\"\n")
    [ferris] = project.components()
    assert ferris.words == BLOG_WORDS + ", said Ferris"


def test_an_undefined_template_variable_names_the_file_and_attribute(project: Project) -> None:
    path = project.add("u", "words: '{{ nobody_defined_this }}'\n")
    with pytest.raises(Exception) as info:
        project.components()
    message = error_chain(info.value)
    assert f"{path}:3" in message and "attributes.words" in message
    assert "nobody_defined_this" in message


def test_the_blogs_words_materialize_with_their_quotes(
    instance: dg.DagsterInstance, project: Project
) -> None:
    project.add("blog", f"asset_key: blog\nwords: {json.dumps(BLOG_WORDS)}\n")
    _, mat = materialize(instance, project.load(), "blog")
    assert mat.metadata["ferris_said"].value == BLOG_WORDS
    assert data_version(mat) == sha256(BLOG_WORDS)


# ---- the cowsay bubble: what a cowsay cron job said ---------------------------------------------

CRON_WORDS = "Backups done, disks at 71%, nothing to see here, carry on with your day"


@needs("cowsay")
def test_the_cowsay_bubble_materializes_what_perl_cowsay_prints(
    instance: dg.DagsterInstance, project: Project
) -> None:
    from support.perl_cowsay import run_script  # Debian's Perl cowsay 3.03 itself

    project.add(
        "cron",
        f"asset_key: cron\nwords: {json.dumps(CRON_WORDS)}\nbubble: cowsay\ncharacter: default\n",
    )
    _, mat = materialize(instance, project.load(), "cron")
    picture = markdown_picture(mat.metadata["ferris"].value)
    assert picture == run_script([CRON_WORDS]).stdout.decode()  # wrapped at 40, as cowsay does
    assert mat.metadata["ferris_said"].value == CRON_WORDS
    component = FerrisSaysComponent(words="hi", bubble="cowsay", width=12, mode="dead", think=True)
    defs = dg.build_defs_for_component(component)
    _, thought = materialize(instance, defs, "ferris")
    assert markdown_picture(thought.metadata["ferris"].value) == said(
        ["--bubble", "cowsay", "--width", "12", "--mode", "dead", "--think"], "hi"
    )


def test_the_cowsay_bubble_refuses_a_width_below_two_at_load() -> None:
    with pytest.raises(ValueError, match="bubble cowsay wraps at a width of 2 or more, not 1"):
        FerrisSaysComponent(words="hi", bubble="cowsay", width=1)
    assert FerrisSaysComponent(words="hi", width=1).bubble == "crate"


# ---- bad attributes fail at load, naming the file and the attribute ------------------------------


@pytest.mark.parametrize(
    ("attributes", "line", "attribute", "says"),
    [
        ("words: hi\nwidth: -1\n", 4, "attributes.width", "greater than or equal to 0"),
        ("words: hi\nwidth: 18446744073709551616\n", 4, "attributes.width", "less than or equal"),
        ("words: hi\nwidth: wide\n", 4, "attributes.width", "whole number from 0 to"),
        ("words: hi\ncharacter: nobody\n", 4, "attributes.character", "unknown character 'nobody'"),
        ("width: 3\n", 2, "attributes", "words"),
        ("words: [a, list]\n", 3, "attributes.words", "valid string"),
        ("words: hi\ncolour: never\n", 4, "colour", "Extra inputs are not permitted"),
        ("words: hi\nbubble: perl\n", 4, "attributes.bubble", "one of crate, cowsay, not 'perl'"),
    ],
)
def test_bad_attributes_fail_at_load(
    project: Project, attributes: str, line: int, attribute: str, says: str
) -> None:
    project.refused_at_load(attributes, attribute, says, line=line)


def test_unknown_character_from_python_fails_too() -> None:
    with pytest.raises(ValueError, match="unknown character 'nobody'"):
        FerrisSaysComponent(words="hi", character="nobody")


def test_every_character_of_the_command_is_accepted() -> None:
    from ferris_says.characters import character_names

    for name in character_names():
        assert FerrisSaysComponent(words="hi", character=name).character == name


# ---- image: the Docker path --------------------------------------------------------------------


def test_an_image_runs_through_pipes_docker_client(project: Project) -> None:
    from dagster_docker import PipesDockerClient

    project.add(
        "boxed",
        "asset_key: boxed\nwords: \"'Say, say, say'\"\nwidth: 12\nimage: ferris-says:latest\n",
    )
    defs = project.load()
    [component] = project.components()
    assert component.image == "ferris-says:latest"
    assert isinstance(component.pipes_client(), PipesDockerClient)
    # The image's ENTRYPOINT is ferris-says: the container's command is its arguments.
    assert component.arguments() == ["--color", "never", "--width", "12", "--", BLOG_WORDS]
    checks = {key.name for key in defs.resolve_assets_def("boxed").check_keys}
    assert checks == CHECKS


def test_an_image_without_dagster_docker_names_the_extra(
    project: Project, monkeypatch: MonkeyPatch
) -> None:
    """dagster-docker made unimportable (what an interpreter without it sees on import): the
    load fails, located."""
    path = project.add("boxed", "words: hi\nimage: ferris-says:latest\n")
    monkeypatch.setitem(sys.modules, "dagster_docker", None)
    chain = project.load_error()
    assert f"{path}:4" in chain and "attributes.image" in chain, chain
    assert "dagster-docker is not installed" in chain
    assert "pip install '.[docker]' in a clone" in chain


# ---- dg -------------------------------------------------------------------------------------
# Marked slow (`make test-slow`): each `dg` is a process that imports Dagster and its CLI, seconds
# of CPU; `make test` loads the same YAML with Dagster's own loading, in this process.


@pytest.mark.slow
def test_dg_check_defs_and_list_defs_on_the_example(dagster_home: Path) -> None:
    check = dg_command(["check", "defs"], EXAMPLE, dagster_home)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "All component YAML validated successfully." in check.stdout
    assert "All definitions loaded successfully." in check.stdout
    listed = dg_command(["list", "defs", "--json"], EXAMPLE, dagster_home)
    assert listed.returncode == 0, listed.stderr
    defs = json.loads(listed.stdout)
    assert listed_asset_keys(defs) == {"ferris", "ferris_from_yaml"}
    assert {check["key"] for check in defs["asset_checks"]} == {
        f"{asset}:{name}" for asset in ("ferris", "ferris_from_yaml") for name in CHECKS
    }


@pytest.mark.slow
def test_dg_lists_the_component(dagster_home: Path) -> None:
    listed = dg_command(["list", "components", "--json"], EXAMPLE, dagster_home)
    assert listed.returncode == 0, listed.stderr
    items = listed_components(json.loads(listed.stdout))
    [ours] = [item for item in items if item["key"] == TYPE]
    assert ours["summary"].startswith("Ferris the crab says your words")


@pytest.mark.slow
def test_dg_check_defs_names_a_bad_attribute(project: Project, dagster_home: Path) -> None:
    path = project.add("bad", "words: hi\ncharacter: nobody\n")
    check = dg_command(["check", "defs"], project.root, dagster_home)
    assert check.returncode != 0
    output = check.stdout + check.stderr
    assert f"{path}:4" in output and "attributes.character" in output, output
    assert "unknown character 'nobody'" in output


@pytest.mark.slow
def test_dg_scaffolds_a_component_that_materializes(project: Project, dagster_home: Path) -> None:
    """A fresh project whose only defs.yaml comes from `dg scaffold defs`, launched by dg."""
    scaffold = dg_command(
        ["scaffold", "defs", TYPE, "hello-ferris", "--words", BLOG_WORDS],
        project.root,
        dagster_home,
    )
    assert scaffold.returncode == 0, scaffold.stdout + scaffold.stderr
    written = (project.defs / "hello-ferris" / "defs.yaml").read_text()
    assert f"type: {TYPE}\n" in written and 'asset_key: "hello_ferris"' in written
    python = dg_command(
        ["scaffold", "defs", TYPE, "from_python", "--format", "python"], project.root, dagster_home
    )
    assert python.returncode == 0, python.stdout + python.stderr
    assert dg_command(["check", "defs"], project.root, dagster_home).returncode == 0
    launch = dg_command(
        ["launch", "--assets", "hello_ferris,from_python"], project.root, dagster_home
    )
    assert launch.returncode == 0, launch.stdout + launch.stderr
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        hello = instance.get_latest_materialization_event(dg.AssetKey("hello_ferris"))
        assert hello is not None and hello.asset_materialization is not None
        assert hello.asset_materialization.metadata["ferris_said"].value == BLOG_WORDS
        scaffolded = instance.get_latest_materialization_event(dg.AssetKey("from_python"))
        assert scaffolded is not None and scaffolded.asset_materialization is not None
        words = scaffolded.asset_materialization.metadata["ferris_said"].value
        assert words == "Hello fellow Rustaceans!"


# ---- the command's path stays free of Dagster ---------------------------------------------------


def test_the_command_never_imports_dagster(tmp_path: Path) -> None:
    script = (
        "import sys, runpy\n"
        "sys.argv = ['ferris-says', '--width', '10', 'no dagster here']\n"
        "try:\n"
        "    runpy.run_module('ferris_says', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = sorted(m for m in sys.modules if m == 'dagster' or m.startswith('dagster.')"
        " or m == 'ferris_says.dagster')\n"
        "print(loaded, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=CLEAN_ENV,
        check=True,
    )
    assert done.stderr.strip() == "[]"
    assert "no dagster" in done.stdout
