"""ferris-says on a blob store, against real servers on loopback (``make test-stores``).

Real Dagster materializes the blog's asset through PipesSubprocessClient with each store's own
Dagster pair (dagster-aws' S3, dagster-gcp's GCS, dagster-azure's Azure Blob injector and
reader), and through ``open_pipes_session`` + ``get_bootstrap_cli_arguments()`` as Glue and
Dataproc pass the params; then every failure: a context that cannot be read (it reaches
Dagster), a missing messages bucket, an unreachable endpoint, bad credentials.
"""

import json
import os
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

if not os.environ.get("FERRIS_SAYS_STORE_TESTS"):
    pytest.skip(
        "blob-store servers: run `make test-stores` (it installs them)", allow_module_level=True
    )

import boto3  # type: ignore[import-untyped, import-not-found, unused-ignore]
import store_servers
from azure.storage.blob import BlobServiceClient
from command import BLOG_METHODS, CLEAN_ENV, FERRIS, encode, sha256
from dagster import (
    AssetCheckSpec,
    AssetExecutionContext,
    AssetsDefinition,
    DagsterInstance,
    MaterializeResult,
    PipesContextInjector,
    PipesSubprocessClient,
    PipesTempFileContextInjector,
    PipesTempFileMessageReader,
    asset,
    materialize,
    open_pipes_session,
)
from dagster_aws.pipes import PipesS3ContextInjector, PipesS3MessageReader
from dagster_azure.pipes import (
    PipesAzureBlobStorageContextInjector,
    PipesAzureBlobStorageMessageReader,
)
from dagster_events import check_evaluations, data_version, materialization, user_messages
from dagster_gcp.pipes import PipesGCSContextInjector, PipesGCSMessageReader
from google.cloud import storage  # type: ignore[import-untyped, import-not-found, unused-ignore]
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pipes_errors import closed_exceptions

pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:.*currently in preview.*"),
    pytest.mark.filterwarnings("ignore:.*is experimental.*"),
    pytest.mark.filterwarnings("ignore:.*beta.*"),
]

CHECKS = ["ferris_should_say_something", "ferris_should_speak_3_words"]
WORDS = "'Say, say, say'"
BUCKET = "ferris-pipes"
STORE_ENV = ("AWS_", "STORAGE_EMULATOR_HOST", "GOOGLE_", "AZURE_", "FERRIS_SAYS_PIPES_STORE")


@dataclass
class Store:
    name: str
    title: str
    server: Callable[[Path], Any]
    client: Callable[[], Any]
    create_bucket: Callable[[Any, str], None]
    injector: Callable[[Any], PipesContextInjector]
    reader: Callable[[Any], Any]
    read_chunks: Callable[[Any, str, str], list[str]]  # client, bucket, prefix -> chunk texts
    unreachable: Callable[[dict[str, str], int], dict[str, str]]
    bad_credentials: dict[str, str]
    credentials_error: str


def _s3_chunks(client: Any, bucket: str, prefix: str) -> list[str]:
    listing = client.list_objects_v2(Bucket=bucket, Prefix=f"{prefix}/").get("Contents", [])
    keys = sorted((o["Key"] for o in listing), key=lambda k: int(k.rsplit("/", 1)[1][:-5]))
    return [client.get_object(Bucket=bucket, Key=k)["Body"].read().decode() for k in keys]


def _gcs_chunks(client: Any, bucket: str, prefix: str) -> list[str]:
    blobs = sorted(
        client.list_blobs(bucket, prefix=f"{prefix}/"),
        key=lambda b: int(b.name.rsplit("/", 1)[1][:-5]),
    )
    return [b.download_as_bytes().decode() for b in blobs]


def _azure_chunks(client: Any, bucket: str, prefix: str) -> list[str]:
    container = client.get_container_client(bucket)
    names = sorted(
        (b.name for b in container.list_blobs(name_starts_with=f"{prefix}/")),
        key=lambda n: int(n.rsplit("/", 1)[1][:-5]),
    )
    return [container.download_blob(n).readall().decode() for n in names]


STORES = {
    "s3": Store(
        name="s3",
        title="S3 bucket",
        server=store_servers.moto_s3,
        client=lambda: boto3.client("s3"),
        create_bucket=lambda c, b: c.create_bucket(Bucket=b),
        injector=lambda c: PipesS3ContextInjector(bucket=BUCKET, client=c),
        reader=lambda c: PipesS3MessageReader(bucket=BUCKET, client=c, interval=1),
        read_chunks=_s3_chunks,
        unreachable=lambda env, port: {**env, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"},
        bad_credentials={
            "AWS_ACCESS_KEY_ID": "",
            "AWS_SECRET_ACCESS_KEY": "",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
            "AWS_CONFIG_FILE": "/nonexistent",
            "AWS_EC2_METADATA_DISABLED": "true",
        },
        credentials_error="NoCredentialsError",
    ),
    "gcs": Store(
        name="gcs",
        title="GCS bucket",
        server=store_servers.gcs_emulator,
        client=lambda: storage.Client(),
        create_bucket=lambda c, b: c.create_bucket(b),
        injector=lambda c: PipesGCSContextInjector(bucket=BUCKET, client=c),
        reader=lambda c: PipesGCSMessageReader(bucket=BUCKET, client=c, interval=1),
        read_chunks=_gcs_chunks,
        unreachable=lambda env, port: {**env, "STORAGE_EMULATOR_HOST": f"http://127.0.0.1:{port}"},
        bad_credentials={
            "STORAGE_EMULATOR_HOST": "",
            "GOOGLE_APPLICATION_CREDENTIALS": "/nonexistent/key.json",
        },
        credentials_error="DefaultCredentialsError",
    ),
    "azure": Store(
        name="azure",
        title="Azure Blob Storage container",
        server=store_servers.azurite,
        client=lambda: BlobServiceClient.from_connection_string(
            os.environ["AZURE_STORAGE_CONNECTION_STRING"]
        ),
        create_bucket=lambda c, b: c.create_container(b),
        injector=lambda c: PipesAzureBlobStorageContextInjector(container=BUCKET, client=c),
        reader=lambda c: PipesAzureBlobStorageMessageReader(container=BUCKET, client=c, interval=1),
        read_chunks=_azure_chunks,
        unreachable=lambda env, port: {
            **env,
            "AZURE_STORAGE_CONNECTION_STRING": store_servers.azurite_connection_string(port),
        },
        bad_credentials={},  # filled in with a wrong account key by the fixture
        credentials_error="AuthorizationFailure",
    ),
}


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@dataclass
class Running:
    store: Store
    env: dict[str, str]
    client: Any


@pytest.fixture(scope="module", params=sorted(STORES))
def running(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Running]:
    store = STORES[request.param]
    logs = tmp_path_factory.mktemp(f"{store.name}-server")
    with store.server(logs) as env, environment(env):
        client = store.client()
        store.create_bucket(client, BUCKET)
        yield Running(store, env, client)


@pytest.fixture(scope="module")
def instance() -> Iterator[DagsterInstance]:
    with DagsterInstance.ephemeral() as instance:
        yield instance


@pytest.fixture(scope="module")
def subprocess_version(instance: DagsterInstance) -> str:
    """The same words' data version through the blog's PipesSubprocessClient (temp files)."""
    client = PipesSubprocessClient(
        context_injector=PipesTempFileContextInjector(),
        message_reader=PipesTempFileMessageReader(),
    )
    result = materialize([blog_asset()], instance=instance, resources={"client": client})
    assert result.success
    return data_version(materialization(result))


def blog_asset(words: str = WORDS) -> AssetsDefinition:
    @asset(name="ferris", check_specs=[AssetCheckSpec(c, asset="ferris") for c in CHECKS])
    # Dagster reads this annotation at run time, and refuses MaterializeResult[Any].
    def ferris(context: AssetExecutionContext, client: PipesSubprocessClient) -> MaterializeResult:  # type: ignore[type-arg]
        return client.run(command=[FERRIS, words], context=context).get_materialize_result()

    return ferris


def command_env(running: Running, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in CLEAN_ENV.items() if not k.startswith(STORE_ENV)}
    return {**env, **running.env, **extra}


def assert_blog_run(instance: DagsterInstance, result: Any, subprocess_version: str) -> None:
    assert result.success
    mat = materialization(result)
    assert mat.metadata["ferris_said"].value == WORDS
    assert data_version(mat) == subprocess_version == sha256(WORDS)
    evaluations = check_evaluations(instance, result)
    assert set(evaluations) == set(CHECKS) and all(e.passed for e in evaluations.values())
    messages = user_messages(instance, result)
    assert messages.index("ferris will now speak") < messages.index("ferris spoke")


def test_the_blog_asset_through_the_stores_injector_and_reader(
    running: Running, instance: DagsterInstance, subprocess_version: str
) -> None:
    client = PipesSubprocessClient(
        context_injector=running.store.injector(running.client),
        message_reader=running.store.reader(running.client),
        env={"FERRIS_SAYS_PIPES_STORE": running.store.name},
    )
    result = materialize([blog_asset()], instance=instance, resources={"client": client})
    assert_blog_run(instance, result, subprocess_version)


def args_asset(
    running: Running,
    words: str,
    injector: PipesContextInjector | None = None,
    speaks: bool = True,
) -> AssetsDefinition:
    """The params as arguments, as Glue and Dataproc pass them, with --pipes-store."""

    @asset(name="ferris", check_specs=[AssetCheckSpec(c, asset="ferris") for c in CHECKS])
    def ferris(context: AssetExecutionContext) -> Iterator[Any]:
        with open_pipes_session(
            context=context,
            context_injector=injector or running.store.injector(running.client),
            message_reader=running.store.reader(running.client),
        ) as session:
            arguments = [
                part for pair in session.get_bootstrap_cli_arguments().items() for part in pair
            ]
            done = subprocess.run(
                [FERRIS, words, "--pipes-store", running.store.name, *arguments],
                check=False,
                env=command_env(running),
                capture_output=True,
                stdin=subprocess.DEVNULL,
                timeout=120,
            )
            assert done.stdout.startswith(b" _") == speaks, done.stderr
            assert len(done.stderr.decode().strip().splitlines()) == (0 if speaks else 1)
        yield from session.get_results()

    return ferris


def test_the_argument_bootstrap_through_the_store(
    running: Running, instance: DagsterInstance, subprocess_version: str
) -> None:
    result = materialize([args_asset(running, WORDS)], instance=instance)
    assert_blog_run(instance, result, subprocess_version)


class MissingContextInjector(PipesContextInjector):
    """Dagster's side naming a context object that is not there."""

    @contextmanager
    def inject_context(self, context_data: Any) -> Iterator[dict[str, Any]]:
        yield {"bucket": BUCKET, "key": "no/such/context.json"}

    def no_messages_debug_text(self) -> str:
        return "A context object that does not exist."


def test_a_context_that_cannot_be_read_reaches_dagster(
    running: Running, instance: DagsterInstance
) -> None:
    result = materialize(
        [args_asset(running, "hi", MissingContextInjector(), speaks=False)],
        instance=instance,
        raise_on_error=False,
    )
    assert not result.success
    errors = closed_exceptions(instance, result.run_id)
    assert len(errors) == 1, errors
    expected = (
        f"--dagster-pipes-context: {running.store.title} '{BUCKET}':"
        " reading the context object 'no/such/context.json' failed:"
    )
    assert expected in errors[0]


def run_command(
    running: Running,
    context: dict[str, Any],
    messages: dict[str, Any],
    env: dict[str, str] | None = None,
    words: Sequence[str] = ("hi",),
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [FERRIS, *words, "--pipes-store", running.store.name]
        + [
            "--dagster-pipes-context",
            encode(context),
            "--dagster-pipes-messages",
            encode(messages),
        ],
        check=False,
        env=env or command_env(running),
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=120,  # the bound: the SDKs' retries and timeouts are capped well below it
    )


def one_error_line(done: subprocess.CompletedProcess[bytes]) -> str:
    assert done.returncode == 1 and done.stdout == b"", done.stderr
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


CONTEXT = {"data": {"asset_keys": ["ferris"]}}


def test_a_missing_messages_bucket(running: Running) -> None:
    line = one_error_line(run_command(running, CONTEXT, {"bucket": "no-such", "key_prefix": "p"}))
    assert f"--dagster-pipes-messages: {running.store.title} 'no-such'" in line, line


def test_an_unreachable_endpoint(running: Running) -> None:
    env = running.store.unreachable(command_env(running), store_servers.closed_port())
    context = {"bucket": BUCKET, "key": "ctx.json"}
    line = one_error_line(run_command(running, context, {"bucket": BUCKET, "key_prefix": "u"}, env))
    assert f"{running.store.title} '{BUCKET}'" in line and "127.0.0.1" in line, line


def test_bad_credentials(running: Running) -> None:
    bad = dict(running.store.bad_credentials)
    if running.store.name == "azure":
        port = running.env["AZURE_STORAGE_CONNECTION_STRING"].split("127.0.0.1:")[1].split("/")[0]
        wrong = "A" * 86 + "=="
        bad["AZURE_STORAGE_CONNECTION_STRING"] = store_servers.azurite_connection_string(
            int(port), wrong
        )
    env = {k: v for k, v in command_env(running, **bad).items() if v != ""}
    line = one_error_line(run_command(running, CONTEXT, {"bucket": BUCKET, "key_prefix": "c"}, env))
    assert f"{running.store.title} '{BUCKET}'" in line and running.store.credentials_error in line


def test_the_metadata_cap_on_a_store(running: Running) -> None:
    """A chunk has no line limit: the file cap (64 KiB) holds, not the stdio one."""
    words = "ferris " * 15_000  # 105 KB: one argument (Linux takes up to 128 KiB)
    done = run_command(running, CONTEXT, {"bucket": BUCKET, "key_prefix": "big"}, words=[words])
    assert done.returncode == 0, done.stderr
    messages = [
        json.loads(line)
        for chunk in running.store.read_chunks(running.client, BUCKET, "big")
        for line in chunk.splitlines()
    ]
    [mat] = [m for m in messages if m["method"] == "report_asset_materialization"]
    said = mat["params"]["metadata"]["ferris_said"]["raw_value"]
    assert said.startswith(words[:65536]) and "metadata is capped at 64 KiB" in said
    assert mat["params"]["data_version"] == sha256(words)


prefixes = st.text(
    alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Nd"), max_codepoint=0x7F)
    | st.sampled_from("-_."),
    min_size=1,
    max_size=20,
).filter(lambda p: p not in (".", ".."))
word_lists = st.lists(
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1).filter(
        lambda word: not word.startswith("-")
    ),  # not an option
    min_size=1,
    max_size=5,
)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(prefix=prefixes, words=word_lists, nested=st.booleans())
def test_any_prefix_and_words_come_back_whole(
    running: Running, prefix: str, words: list[str], nested: bool
) -> None:
    prefix = f"runs/{prefix}" if nested else prefix
    done = run_command(running, CONTEXT, {"bucket": BUCKET, "key_prefix": prefix}, words=words)
    assert done.returncode == 0, done.stderr
    chunks = running.store.read_chunks(running.client, BUCKET, prefix)
    messages = [json.loads(line) for chunk in chunks[-2:] for line in chunk.splitlines()]
    assert [m["method"] for m in messages] == BLOG_METHODS
    said = " ".join(words)
    [mat] = [m for m in messages if m["method"] == "report_asset_materialization"]
    assert mat["params"]["metadata"]["ferris_said"]["raw_value"] == said
    assert mat["params"]["data_version"] == sha256(said)
