"""The Pipes params on the command line (``--dagster-pipes-context``, ``--dagster-pipes-messages``),
as Dagster's Glue, Dataproc and EMR-on-EKS clients pass them; the ``--pipes-store`` cases that
need no server (a missing extra, a Unity Catalog volume directory).

Real Dagster: ``open_pipes_session(...)`` + ``get_bootstrap_cli_arguments()`` launching the real
command, against the same asset run through PipesSubprocessClient.
"""

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.hypothesis_profiles import examples
from support.run_command import CLEAN_ENV, FERRIS, encode, read_messages, run, sha256

dagster = pytest.importorskip("dagster")

from dagster import (  # noqa: E402
    AssetCheckSpec,
    AssetExecutionContext,
    AssetsDefinition,
    DagsterInstance,
    MaterializeResult,
    PipesMessageReader,
    PipesSubprocessClient,
    PipesTempFileContextInjector,
    PipesTempFileMessageReader,
    asset,
    materialize,
    open_pipes_session,
)
from dagster._core.pipes.utils import PipesBlobStoreMessageReader  # noqa: E402
from support.dagster_events import check_evaluations, data_version, materialization, user_messages  # noqa: E402
from support.pipes_errors import closed_exceptions  # noqa: E402

from ferris_says import __version__  # noqa: E402

CHECKS = ["ferris_should_say_something", "ferris_should_speak_3_words"]
WORDS = "'Say, say, say'"


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("DAGSTER_PIPES_CONTEXT", "DAGSTER_PIPES_MESSAGES", "FERRIS_SAYS_PIPES_STORE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)


def args_asset(
    words: str,
    extra_args: Sequence[str] = (),
    reader: PipesMessageReader | None = None,
    env: dict[str, str] | None = None,
    speaks: bool = True,
) -> AssetsDefinition:
    """The blog's asset, its command given the params as arguments (what Glue does)."""

    @asset(name="ferris", check_specs=[AssetCheckSpec(c, asset="ferris") for c in CHECKS])
    def ferris(context: AssetExecutionContext) -> Iterator[Any]:
        with open_pipes_session(
            context=context,
            context_injector=PipesTempFileContextInjector(),
            message_reader=reader or PipesTempFileMessageReader(),
        ) as session:
            arguments = [
                part for pair in session.get_bootstrap_cli_arguments().items() for part in pair
            ]
            done = subprocess.run(
                [FERRIS, words, *arguments, *extra_args],
                check=False,
                env={**CLEAN_ENV, **(env or {})},
                capture_output=True,
                stdin=subprocess.DEVNULL,
            )
            assert done.stdout.startswith(b" _") == speaks, done.stderr
            context.log.info(f"exit {done.returncode}: {done.stderr.decode()}")
        yield from session.get_results()

    return ferris


@pytest.fixture(scope="module")
def subprocess_version(instance: DagsterInstance) -> str:
    """The data version of the same words through PipesSubprocessClient (the environment)."""

    @asset(name="ferris", check_specs=[AssetCheckSpec(c, asset="ferris") for c in CHECKS])
    # Dagster reads this annotation at run time, and refuses MaterializeResult[Any].
    def ferris(context: AssetExecutionContext, client: PipesSubprocessClient) -> MaterializeResult:  # type: ignore[type-arg]
        return client.run(command=[FERRIS, WORDS], context=context).get_materialize_result()

    client = PipesSubprocessClient(
        context_injector=PipesTempFileContextInjector(),
        message_reader=PipesTempFileMessageReader(),
    )
    result = materialize([ferris], instance=instance, resources={"client": client})
    assert result.success
    return data_version(materialization(result))


def test_arguments_bootstrap_materializes_like_a_subprocess_run(
    instance: DagsterInstance, subprocess_version: str
) -> None:
    result = materialize([args_asset(WORDS)], instance=instance)
    assert result.success
    mat = materialization(result)
    assert mat.metadata["ferris_said"].value == WORDS
    assert data_version(mat) == subprocess_version == sha256(WORDS)
    evaluations = check_evaluations(instance, result)
    assert set(evaluations) == set(CHECKS) and all(e.passed for e in evaluations.values())
    messages = user_messages(instance, result)
    assert messages.index("ferris will now speak") < messages.index("ferris spoke")


def test_the_command_line_wins_over_the_environment(
    instance: DagsterInstance, tmp_path: Path
) -> None:
    """Stale variables (another session's files) are ignored, both of them, when the arguments
    are given: nothing is written where they point."""
    stale = tmp_path / "stale-messages.json"
    env = {
        "DAGSTER_PIPES_CONTEXT": encode({"path": str(tmp_path / "no-such-context.json")}),
        "DAGSTER_PIPES_MESSAGES": encode({"path": str(stale)}),
    }
    result = materialize([args_asset(WORDS, env=env)], instance=instance)
    assert result.success
    assert materialization(result).metadata["ferris_said"].value == WORDS
    assert not stale.exists()


# ---- the same checks and errors as the variables ---------------------------------------------

CONTEXT_FILE = {"asset_keys": ["ferris"]}


def both_ways(
    tmp_path: Path, context: str, messages: str
) -> tuple[subprocess.CompletedProcess[bytes], subprocess.CompletedProcess[bytes]]:
    """The same params once as variables, once as arguments: (env run, args run)."""
    by_env = run(
        ["hi"], tmp_path, {"DAGSTER_PIPES_CONTEXT": context, "DAGSTER_PIPES_MESSAGES": messages}
    )
    by_args = run(
        ["hi", "--dagster-pipes-context", context, "--dagster-pipes-messages", messages], tmp_path
    )
    return by_env, by_args


def as_args(stderr: bytes) -> str:
    return (
        stderr.decode()
        .replace("DAGSTER_PIPES_CONTEXT", "--dagster-pipes-context")
        .replace("DAGSTER_PIPES_MESSAGES", "--dagster-pipes-messages")
    )


malformed_values = st.one_of(
    st.text(min_size=1, max_size=30).filter(lambda s: "\x00" not in s and s.strip() != ""),
    st.binary(max_size=40).map(lambda b: __import__("base64").b64encode(b).decode()),
    st.sampled_from([encode([1]), encode("x"), encode(None), encode({"path": 7})]),
    st.dictionaries(
        st.sampled_from(["path", "data", "stdio", "bucket", "key", "key_prefix", "what"]),
        st.one_of(st.none(), st.integers(), st.text(max_size=5)),
        max_size=3,
    ).map(encode),
)


@settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(value=malformed_values, which=st.sampled_from(["context", "messages"]))
def test_a_malformed_argument_fails_as_the_variable_does(
    tmp_path: Path, value: str, which: str
) -> None:
    good_context = encode({"data": CONTEXT_FILE})
    good_messages = encode({"path": str(tmp_path / "m.json")})
    context, messages = (value, good_messages) if which == "context" else (good_context, value)
    by_env, by_args = both_ways(tmp_path, context, messages)
    assert by_args.returncode == by_env.returncode
    if by_env.returncode != 0:
        assert as_args(by_env.stderr) == by_args.stderr.decode()
        assert len(by_args.stderr.decode().strip().splitlines()) == 1, by_args.stderr
        assert "--dagster-pipes-" in by_args.stderr.decode()
        assert by_args.stdout == b""


@pytest.mark.parametrize("given_one", ["--dagster-pipes-context", "--dagster-pipes-messages"])
def test_one_argument_alone_is_an_error_never_the_fake_temp_fallback(
    fake_temp: Path, given_one: str
) -> None:
    value = encode({"data": CONTEXT_FILE} if "context" in given_one else {"path": "m.json"})
    done = run(["hi", given_one, value], fake_temp)
    assert done.returncode == 1 and done.stdout == b""
    err = done.stderr.decode()
    assert "not given, while" in err and len(err.strip().splitlines()) == 1, err
    assert not (fake_temp / "fake_temp" / "messages.json").exists()
    assert not (fake_temp / "m.json").exists()


def test_stdin_is_never_read_under_the_argument_bootstrap(tmp_path: Path) -> None:
    """No words, no extras: a usage error at once, though stdin holds words and stays open."""
    messages = tmp_path / "m.json"
    reader, writer = os.pipe()
    os.write(writer, b"words on stdin\n")  # the pipe stays open: reading it would hang
    try:
        done = run(
            [
                "--dagster-pipes-context",
                encode({"data": CONTEXT_FILE}),
                "--dagster-pipes-messages",
                encode({"path": str(messages)}),
            ],
            tmp_path,
            stdin=reader,
            timeout=30,
        )
    finally:
        os.close(reader)
        os.close(writer)
    assert done.returncode == 2, done.stderr
    assert b"launched by Dagster" in done.stderr
    methods = [m["method"] for m in read_messages(messages)]
    assert methods == ["opened", "closed"]  # the usage error reached Dagster


def test_equals_form_of_the_arguments(tmp_path: Path) -> None:
    messages = tmp_path / "m.json"
    done = run(
        [
            "a b c",
            f"--dagster-pipes-context={encode({'data': CONTEXT_FILE})}",
            f"--dagster-pipes-messages={encode({'path': str(messages)})}",
        ],
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    [mat] = [m for m in read_messages(messages) if m["method"] == "report_asset_materialization"]
    assert mat["params"]["data_version"] == sha256("a b c")


# ---- --pipes-store without a server -----------------------------------------------------------


@pytest.mark.parametrize(
    "store,module,extra",
    [("s3", "boto3", "s3"), ("gcs", "google", "gcs"), ("azure", "azure", "azure")],
)
def test_a_missing_extra_is_one_line_naming_it(
    tmp_path: Path, store: str, module: str, extra: str
) -> None:
    """The SDK made unimportable (as in an install without the extra), whatever is installed."""
    probe = (
        f"import sys; sys.modules[{module!r}] = None\n"
        "from ferris_says.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    params = [
        "--dagster-pipes-context",
        encode({"bucket": "b", "key": "k"}),
        "--dagster-pipes-messages",
        encode({"bucket": "b", "key_prefix": "p"}),
    ]
    done = subprocess.run(
        [sys.executable, "-c", probe, "hi", "--pipes-store", store, *params],
        cwd=tmp_path,
        env=CLEAN_ENV,
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 1 and done.stdout == b""
    assert done.stderr.decode().strip().splitlines() == [
        f"ferris-says: error: --pipes-store {store}: the "
        f"{ {'s3': 'boto3', 'gcs': 'google.cloud.storage', 'azure': 'azure.storage.blob'}[store] }"
        f" package is not installed; pip install '.[{extra}]' in a clone, or"
        f" 'dist/ferris_says-{__version__}-py3-none-any.whl[{extra}]'"
    ]


def test_a_bad_store_name_in_the_environment(tmp_path: Path) -> None:
    done = run(
        ["hi"],
        tmp_path,
        {
            "FERRIS_SAYS_PIPES_STORE": "s4",
            "DAGSTER_PIPES_CONTEXT": encode({"data": CONTEXT_FILE}),
            "DAGSTER_PIPES_MESSAGES": encode({"bucket": "b"}),
        },
    )
    assert done.returncode == 1
    assert done.stderr.decode().strip().splitlines() == [
        "ferris-says: error: FERRIS_SAYS_PIPES_STORE: 's4' is not a Pipes store;"
        " expected one of s3, gcs, azure, volumes"
    ]


class DirectoryChunksReader(PipesBlobStoreMessageReader):
    """Dagster's blob-store reader over a local directory: what dagster-databricks'
    PipesUnityCatalogVolumesMessageReader does through the Files API, on a directory that
    stands in for the mounted volume. Dagster's own handler parses the chunks."""

    def __init__(self, directory: Path) -> None:
        super().__init__(interval=0)
        self.directory = directory

    @contextmanager
    def get_params(self) -> Iterator[dict[str, Any]]:
        yield {"path": str(self.directory)}

    def messages_are_readable(self, params: Mapping[str, Any]) -> bool:
        return (self.directory / "1.json").exists()

    def download_messages_chunk(self, index: int, params: Mapping[str, Any]) -> str | None:
        chunk = self.directory / f"{index}.json"
        return chunk.read_text() if chunk.exists() else None

    def no_messages_debug_text(self) -> str:
        return f"Read message chunks from {self.directory}."


def test_unity_catalog_volume_directory(
    instance: DagsterInstance, tmp_path: Path, subprocess_version: str
) -> None:
    volume = tmp_path / "Volumes" / "main" / "ferris" / "messages"
    volume.mkdir(parents=True)
    the_asset = args_asset(
        WORDS, ["--pipes-store", "volumes"], reader=DirectoryChunksReader(volume)
    )
    result = materialize([the_asset], instance=instance)
    assert result.success
    assert data_version(materialization(result)) == subprocess_version
    assert set(check_evaluations(instance, result)) == set(CHECKS)
    assert sorted(p.name for p in volume.iterdir()) == ["1.json", "2.json"]  # opened, the rest


def test_a_missing_volume_directory_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "Volumes" / "nope"
    done = run(
        [
            "hi",
            "--pipes-store",
            "volumes",
            "--dagster-pipes-context",
            encode({"data": CONTEXT_FILE}),
            "--dagster-pipes-messages",
            encode({"path": str(missing)}),
        ],
        tmp_path,
    )
    assert done.returncode == 1 and done.stdout == b""
    err = done.stderr.decode()
    assert len(err.strip().splitlines()) == 1 and str(missing) in err
    assert "does not exist" in err, err


def test_a_failure_after_opened_reaches_dagster_through_the_arguments(
    instance: DagsterInstance,
) -> None:
    result = materialize(
        [args_asset("hi", ["--asset-key", "nope"], speaks=False)],
        instance=instance,
        raise_on_error=False,
    )
    assert not result.success
    errors = closed_exceptions(instance, result.run_id)
    assert len(errors) == 1 and "--asset-key 'nope'" in errors[0]
