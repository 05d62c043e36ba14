"""ferris-says in real Dagster: ``materialize()`` launching the installed command through Pipes.

Runs on the latest Dagster (``make test``) and on the blog's Dagster 1.8.4
(``make test-dagster-1.8``). One ephemeral instance serves the whole module.
"""

import importlib.util
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pytest import MonkeyPatch

dagster = pytest.importorskip("dagster")

from dagster import (
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    DagsterEventType,
    DagsterInstance,
    ExecuteInProcessResult,
    MaterializeResult,
    OpExecutionContext,
    PipesContextInjector,
    PipesEnvContextInjector,
    PipesMessageHandler,
    PipesMessageReader,
    PipesSubprocessClient,
    PipesTempFileContextInjector,
    PipesTempFileMessageReader,
    StaticPartitionsDefinition,
    asset,
    job,
    materialize,
    op,
    open_pipes_session,
)
from dagster._core.events import EngineEventData
from dagster._core.pipes.utils import extract_message_or_forward_to_stdout
from dagster_pipes import PipesDefaultMessageWriter, PipesParams
from support.dagster_events import check_evaluations, data_version, materialization, user_messages
from support.run_command import sha256

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ["ferris_should_say_something", "ferris_should_speak_3_words"]


# The blog's asset, in the example project's defs/ folder: plain Dagster, loadable on 1.8.4.
BLOG_ASSET = ROOT / "dagster_example" / "ferris_example" / "defs" / "blog_asset.py"


def _load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ferris_dagster_example", BLOG_ASSET)
    assert spec is not None and spec.loader is not None, BLOG_ASSET
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


example = _load_example()
FERRIS = example.ferris_says_path()


def blog_client(**kwargs: Any) -> PipesSubprocessClient:
    return PipesSubprocessClient(
        context_injector=kwargs.pop("context_injector", PipesTempFileContextInjector()),
        message_reader=kwargs.pop("message_reader", PipesTempFileMessageReader()),
        **kwargs,
    )


@pytest.fixture(autouse=True)
def _no_inherited_pipes_vars(monkeypatch: MonkeyPatch, tmp_path: Path) -> None:
    for var in ("DAGSTER_PIPES_CONTEXT", "DAGSTER_PIPES_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)  # no ./fake_temp/ around: only Dagster's params count


def ferris_asset(
    args: list[str],
    name: str = "ferris",
    extras: dict[str, Any] | None = None,
    context_injector: PipesContextInjector | None = None,
    partitions_def: StaticPartitionsDefinition | None = None,
) -> AssetsDefinition:
    """The blog's asset with other arguments for the command."""

    @asset(
        name=name,
        check_specs=[AssetCheckSpec(check, asset=name) for check in CHECKS],
        partitions_def=partitions_def,
    )
    def _asset(
        context: AssetExecutionContext, pipes_subprocess_client: PipesSubprocessClient
    ) -> MaterializeResult:  # type: ignore[type-arg]  # Dagster accepts only the bare class
        return pipes_subprocess_client.run(
            command=[FERRIS, *args], context=context, extras=extras
        ).get_materialize_result()

    return _asset


def run_asset(
    instance: DagsterInstance,
    the_asset: AssetsDefinition,
    client: PipesSubprocessClient | None = None,
    **kwargs: Any,
) -> ExecuteInProcessResult:
    return materialize(
        [the_asset],
        instance=instance,
        resources={"pipes_subprocess_client": client or blog_client()},
        **kwargs,
    )


# ---- the blog's asset -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def blog_run(instance: DagsterInstance) -> ExecuteInProcessResult:
    return run_asset(
        instance,
        example.ferris,
        example.defs.resources["pipes_subprocess_client"]
        if hasattr(example.defs, "resources")
        else blog_client(),
    )


def test_the_blogs_asset_materializes(blog_run: ExecuteInProcessResult) -> None:
    assert blog_run.success
    mat = materialization(blog_run)
    assert mat.metadata["ferris_said"].value == "'Say, say, say'"
    bubble = mat.metadata["ferris"].value
    assert isinstance(bubble, str) and "< 'Say, say, say' >" in bubble
    assert data_version(mat) == sha256("'Say, say, say'")


def test_both_checks_evaluated_with_their_metadata(
    instance: DagsterInstance, blog_run: ExecuteInProcessResult
) -> None:
    evaluations = check_evaluations(instance, blog_run)
    assert set(evaluations) == set(CHECKS)
    said = evaluations["ferris_should_say_something"]
    assert said.passed and said.severity.value == "ERROR"
    assert said.metadata["what_did_you_say"].value is True
    three = evaluations["ferris_should_speak_3_words"]
    assert three.passed and three.severity.value == "WARN"
    assert three.metadata["number_of_words_spoken_by_ferris"].value == 3
    assert all(e.asset_key == AssetKey("ferris") for e in evaluations.values())


def test_both_log_lines_in_the_event_log(
    instance: DagsterInstance, blog_run: ExecuteInProcessResult
) -> None:
    messages = user_messages(instance, blog_run)
    speak = messages.index("ferris will now speak")
    spoke = messages.index("ferris spoke")
    assert speak < spoke


def test_same_words_same_data_version_other_words_another(instance: DagsterInstance) -> None:
    first = materialization(run_asset(instance, ferris_asset(["one two three"])))
    again = materialization(run_asset(instance, ferris_asset(["one two three"])))
    other = materialization(run_asset(instance, ferris_asset(["one two four"])))
    assert data_version(first) == data_version(again) == sha256("one two three")
    assert data_version(other) == sha256("one two four") != data_version(first)


def test_two_words_fail_the_warn_check_not_the_run(instance: DagsterInstance) -> None:
    result = run_asset(instance, ferris_asset(["two words"]))
    assert result.success
    evaluations = check_evaluations(instance, result)
    assert evaluations["ferris_should_say_something"].passed
    warn = evaluations["ferris_should_speak_3_words"]
    assert not warn.passed and warn.severity.value == "WARN"
    assert warn.metadata["number_of_words_spoken_by_ferris"].value == 2


def test_words_from_extras(instance: DagsterInstance) -> None:
    result = run_asset(instance, ferris_asset([], extras={"words": ["said", "through", "extras"]}))
    assert result.success
    assert materialization(result).metadata["ferris_said"].value == "said through extras"


def test_partitioned_asset(instance: DagsterInstance) -> None:
    partitions = StaticPartitionsDefinition(["north", "south"])
    the_asset = ferris_asset(["a b c"], partitions_def=partitions)
    north = run_asset(instance, the_asset, partition_key="north")
    south = run_asset(instance, the_asset, partition_key="south")
    assert north.success and south.success
    mat_n, mat_s = materialization(north), materialization(south)
    assert mat_n.partition == "north" and mat_n.metadata["partition_key"].value == "north"
    assert mat_s.metadata["partition_key"].value == "south"
    assert data_version(mat_n) != data_version(mat_s) != sha256("a b c")


# ---- other injectors and readers ------------------------------------------------------------


def test_env_injected_context_with_file_messages(instance: DagsterInstance) -> None:
    """PipesEnvContextInjector: the context travels inline ({"data": ...}) in the variable."""
    result = run_asset(
        instance,
        ferris_asset(["env context words"]),
        client=blog_client(context_injector=PipesEnvContextInjector()),
    )
    assert result.success
    assert materialization(result).metadata["ferris_said"].value == "env context words"
    assert set(check_evaluations(instance, result)) == set(CHECKS)


class PipesStderrMessageReader(PipesMessageReader):
    """Messages on the process's stderr, as the Docker and Kubernetes clients ask for them.

    Dagster's core offers no subprocess reader for ``{"stdio": "stderr"}`` (1.8.4 nor latest):
    dagster-docker's and dagster-k8s' log readers yield these params and feed each log line
    to Dagster's ``extract_message_or_forward_to_stdout``. This does the same for a local
    process, so the real Dagster handler parses what ferris-says wrote.
    """

    def __init__(self) -> None:
        self.handler: PipesMessageHandler | None = None

    @contextmanager
    def read_messages(self, handler: PipesMessageHandler) -> Iterator[PipesParams]:
        self.handler = handler
        yield {PipesDefaultMessageWriter.STDIO_KEY: PipesDefaultMessageWriter.STDERR}

    def consume(self, stderr: str) -> None:
        assert self.handler is not None, "Dagster opened the reader first"
        for line in stderr.splitlines():
            extract_message_or_forward_to_stdout(self.handler, line)

    def no_messages_debug_text(self) -> str:
        return "Read messages from the process's stderr."


def test_env_context_with_messages_on_stderr(instance: DagsterInstance) -> None:
    @asset(name="ferris", check_specs=[AssetCheckSpec(c, asset="ferris") for c in CHECKS])
    def ferris(context: AssetExecutionContext) -> Iterator[Any]:
        reader = PipesStderrMessageReader()
        with open_pipes_session(
            context=context, context_injector=PipesEnvContextInjector(), message_reader=reader
        ) as session:
            done = subprocess.run(
                [FERRIS, "words on stderr"],
                check=False,
                env={**os.environ, **session.get_bootstrap_env_vars()},
                capture_output=True,
                text=True,
                stdin=subprocess.DEVNULL,
            )
            reader.consume(done.stderr)
            assert done.returncode == 0, done.stderr
            assert "< words on stderr >" in done.stdout
        yield from session.get_results()

    result = materialize([ferris], instance=instance)
    assert result.success
    assert materialization(result).metadata["ferris_said"].value == "words on stderr"
    assert set(check_evaluations(instance, result)) == set(CHECKS)
    assert "ferris spoke" in user_messages(instance, result)


# ---- failures and ops -----------------------------------------------------------------------


def test_a_failure_inside_the_session_reaches_the_event_log(instance: DagsterInstance) -> None:
    result = run_asset(instance, ferris_asset(["--asset-key", "nope", "hi"]), raise_on_error=False)
    assert not result.success
    errors = []
    for entry in instance.all_logs(result.run_id, of_type=DagsterEventType.ENGINE_EVENT):
        event = entry.dagster_event
        assert event is not None and isinstance(event.event_specific_data, EngineEventData)
        if "closed with exception" in (event.message or ""):
            errors.append(event.event_specific_data.error)
    assert len(errors) == 1 and errors[0] is not None
    assert "--asset-key 'nope' is not among this step's asset keys: ferris" in errors[0].message


def test_an_op_speaks_and_logs_only(instance: DagsterInstance) -> None:
    @op
    def ferris_op(
        context: OpExecutionContext, pipes_subprocess_client: PipesSubprocessClient
    ) -> Any:
        return pipes_subprocess_client.run(
            command=[FERRIS, "an op speaks"], context=context
        ).get_results()

    @job(resource_defs={"pipes_subprocess_client": blog_client()})
    def ferris_job() -> None:
        ferris_op()

    result = ferris_job.execute_in_process(instance=instance)
    assert result.success
    messages = [e.user_message for e in instance.all_logs(result.run_id)]
    assert "ferris will now speak" in messages and "ferris spoke" in messages
    assert not instance.all_logs(result.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION)
