"""The image under a real container engine, run by Dagster's own container clients.

``make test-container`` builds the image, starts ``podman system service`` on a private socket
(``DOCKER_HOST``) and runs this module from ``.venv-integrations`` (dagster-docker and
dagster-k8s pin their own Dagster release). FERRIS_SAYS_IMAGE names the image under test;
without it (plain ``make test``) the module is skipped. With it, a missing engine, client
library or image is a failure, never a skip.

- ``podman run --rm IMAGE "what you want"`` prints the host command's exact bytes.
- ``dagster_example/docker.py``, the blog's asset through PipesDockerClient: materialized, both
  checks, both log lines, ``ferris_said``, and the data version of a subprocess run of the same
  words; words from extras; a long text through the container's logs; a failing run.
- ``dagster_example/kubernetes.py``, with no cluster: its definitions load, and the pod that
  dagster-k8s builds from the module's image, command and pod spec runs under
  ``podman kube play``, its messages read from the pod's logs by Dagster.

Every container and pod made here is removed at the end, whatever happened. (No ``from
__future__ import annotations`` here: Dagster reads the assets' context annotations as types.)
"""

import base64
import importlib.util
import json
import os
import re
import subprocess
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import ModuleType
from typing import Any, Optional

import pytest

IMAGE = os.environ.get("FERRIS_SAYS_IMAGE", "")
if not IMAGE:
    pytest.skip(
        "the container tests run under `make test-container` (FERRIS_SAYS_IMAGE is not set)",
        allow_module_level=True,
    )

# From here on, nothing is optional: under make test-container these must all be there.
import click
import docker
import kubernetes
import yaml
from dagster import (
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    DagsterEventType,
    DagsterInstance,
    Definitions,
    ExecuteInProcessResult,
    MaterializeResult,
    PipesEnvContextInjector,
    PipesMessageHandler,
    PipesMessageReader,
    asset,
    materialize,
    open_pipes_session,
)
from dagster._core.events import EngineEventData
from dagster._core.pipes.utils import extract_message_or_forward_to_stdout
from dagster_docker import PipesDockerClient
from dagster_k8s import PipesK8sClient
from dagster_k8s.pipes import build_pod_body, get_pod_name
from dagster_pipes import PipesDefaultMessageWriter, PipesParams
from docker.models.containers import Container
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.dagster_events import check_evaluations, data_version, materialization, user_messages
from support.hypothesis_profiles import examples
from support.run_command import CLEAN_ENV, FERRIS, sha256

from ferris_says import __version__
from ferris_says.command import cli

# Dagster's own notices are filtered for every test (pyproject.toml); here also the deprecations
# of the container clients' libraries (docker, kubernetes), from any module.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ["ferris_should_say_something", "ferris_should_speak_3_words"]
BLOG_WORDS = "'Say, say, say'"


def load_example(name: str) -> ModuleType:
    """A module of dagster_example/, loaded from its file as `dagster dev -f` would."""
    path = ROOT / "dagster_example" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"ferris_example_{path.stem}", path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---- the engine, and what is removed afterwards ---------------------------------------------


def _context_run_id(container: Container) -> Optional[str]:
    """The Dagster run a container was made for, from the context Dagster injected into it."""
    for item in container.attrs.get("Config", {}).get("Env") or []:
        name, _, value = item.partition("=")
        if name == "DAGSTER_PIPES_CONTEXT":
            params = json.loads(zlib.decompress(base64.b64decode(value)))
            run_id = params.get("data", {}).get("run_id")
            return run_id if isinstance(run_id, str) else None
    return None


@pytest.fixture(scope="session")
def engine() -> Iterator[docker.DockerClient]:
    """The Docker-compatible API at DOCKER_HOST, with the image under test in it. Containers of
    that image made during the session are removed at its end, even when a test failed."""
    host = os.environ.get("DOCKER_HOST")
    if not host:
        pytest.fail("DOCKER_HOST is not set: make test-container starts podman's API service")
    client = docker.from_env()
    try:
        client.ping()
    except Exception as exc:
        pytest.fail(f"no container engine answers at DOCKER_HOST={host}: {exc}")
    try:
        client.images.get(IMAGE)
    except docker.errors.ImageNotFound:
        pytest.fail(f"the image {IMAGE} is not in the engine: `make image` builds it")

    def ours() -> set[str]:
        return {c.id for c in containers_of_the_image(client) if c.id is not None}

    before = ours()
    try:
        yield client
    finally:
        for container_id in ours() - before:
            with suppress(docker.errors.NotFound):
                client.containers.get(container_id).remove(force=True)
        client.close()


def containers_of_the_image(client: docker.DockerClient) -> list[Container]:
    """Containers of the image under test, stopped ones too. (Compared by image ID: podman's
    `ancestor` filter does not match every spelling of an image's name or ID.)"""
    image_id = client.images.get(IMAGE).id
    return [c for c in client.containers.list(all=True) if c.attrs.get("Image") == image_id]


def container_of_run(engine: docker.DockerClient, run_id: str) -> Container:
    """The container PipesDockerClient made for a run (it keeps it once stopped)."""
    found = [c for c in containers_of_the_image(engine) if _context_run_id(c) == run_id]
    assert len(found) == 1, f"{len(found)} containers for run {run_id}"
    return found[0]


@pytest.fixture(scope="module")
def docker_example() -> ModuleType:
    module = load_example("docker")
    assert module.IMAGE == IMAGE  # the module reads FERRIS_SAYS_IMAGE too
    return module


def docker_asset(
    command: list[str] | None, extras: dict[str, Any] | None = None
) -> AssetsDefinition:
    """The blog's asset through PipesDockerClient, with other arguments for the command."""

    @asset(name="ferris", check_specs=[AssetCheckSpec(c, asset="ferris") for c in CHECKS])
    def ferris(
        context: AssetExecutionContext, pipes_docker_client: PipesDockerClient
    ) -> MaterializeResult:  # type: ignore[type-arg]  # Dagster accepts only the bare class
        return pipes_docker_client.run(
            context=context, image=IMAGE, command=command, extras=extras
        ).get_materialize_result()

    return ferris


def run_docker(
    instance: DagsterInstance, the_asset: AssetsDefinition, **kwargs: Any
) -> ExecuteInProcessResult:
    return materialize(
        [the_asset],
        instance=instance,
        resources={"pipes_docker_client": PipesDockerClient()},
        **kwargs,
    )


# ---- docker run -----------------------------------------------------------------------------


def host_bubble(args: list[str], tmp_path: Path) -> bytes:
    done = subprocess.run(
        [FERRIS, *args], cwd=tmp_path, env=CLEAN_ENV, capture_output=True, check=True
    )
    return done.stdout


def podman_run(args: list[str], *options: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["podman", "run", "--rm", "--network=none", *options, IMAGE, *args],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


def test_docker_run_prints_the_hosts_exact_bubble(
    engine: docker.DockerClient, tmp_path: Path
) -> None:
    done = podman_run(["what you want"])
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    assert done.stdout == host_bubble(["what you want"], tmp_path)
    assert done.stdout.startswith(b" _______________\n< what you want >\n")


def test_the_bubble_is_utf8_whatever_the_containers_locale(
    engine: docker.DockerClient, tmp_path: Path
) -> None:
    args = ["--width", "16", "パイプで渡した言葉も折り返します"]
    done = podman_run(args, "-e", "LANG=C", "-e", "LC_ALL=C", "-e", "PYTHONIOENCODING=ascii")
    assert done.returncode == 0, done.stderr
    assert done.stdout == host_bubble(args, tmp_path)
    assert "/ パイプで渡した言 \\".encode() in done.stdout


def test_the_image_runs_as_a_user_with_only_the_package(engine: docker.DockerClient) -> None:
    config = engine.images.get(IMAGE).attrs["Config"]
    assert config["Entrypoint"] == ["ferris-says"]
    assert config["User"] == "10001:10001"
    probe = (
        "import importlib.util, os, sys; "
        "print(os.getuid(), *(importlib.util.find_spec(m) is not None "
        "for m in ('ferris_says', 'pip', 'pytest', 'hypothesis', 'dagster')))"
    )
    done = podman_run(["-c", probe], "--entrypoint", "python3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [b"10001", b"True", b"False", b"False", b"False", b"False"]


# ---- PipesDockerClient ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def blog_run(
    engine: docker.DockerClient, instance: DagsterInstance, docker_example: ModuleType
) -> ExecuteInProcessResult:
    """dagster_example/docker.py's asset, materialized with its own resources."""
    return materialize(
        [docker_example.ferris],
        instance=instance,
        resources=dict(docker_example.defs.resources),
    )


@pytest.fixture(scope="module")
def subprocess_blog_run(instance: DagsterInstance) -> ExecuteInProcessResult:
    """The same words through the blog's own PipesSubprocessClient asset, on this host."""
    example = load_example("ferris_example/defs/blog_asset")
    return materialize([example.ferris], instance=instance, resources=dict(example.defs.resources))


def test_the_blogs_asset_materializes_in_a_container(blog_run: ExecuteInProcessResult) -> None:
    assert blog_run.success
    mat = materialization(blog_run)
    assert mat.metadata["ferris_said"].value == BLOG_WORDS
    bubble = mat.metadata["ferris"].value
    assert isinstance(bubble, str) and f"< {BLOG_WORDS} >" in bubble
    assert data_version(mat) == sha256(BLOG_WORDS)


def test_same_data_version_and_picture_as_a_subprocess_run(
    blog_run: ExecuteInProcessResult, subprocess_blog_run: ExecuteInProcessResult
) -> None:
    assert subprocess_blog_run.success
    in_container, on_host = materialization(blog_run), materialization(subprocess_blog_run)
    assert data_version(in_container) == data_version(on_host)
    assert in_container.metadata["ferris"].value == on_host.metadata["ferris"].value


def test_both_checks_passed_with_their_metadata(
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


def test_both_log_lines_reach_the_event_log(
    instance: DagsterInstance, blog_run: ExecuteInProcessResult
) -> None:
    messages = user_messages(instance, blog_run)
    assert messages.index("ferris will now speak") < messages.index("ferris spoke")


def test_the_container_got_the_context_inline_and_wrote_messages_to_stderr(
    engine: docker.DockerClient, blog_run: ExecuteInProcessResult
) -> None:
    container = container_of_run(engine, blog_run.run_id)
    env = dict(item.partition("=")[::2] for item in container.attrs["Config"]["Env"])
    messages = json.loads(zlib.decompress(base64.b64decode(env["DAGSTER_PIPES_MESSAGES"])))
    assert messages == {"stdio": "stderr"}
    assert container.attrs["State"]["ExitCode"] == 0
    stdout = container.logs(stdout=True, stderr=False)
    stderr = container.logs(stdout=False, stderr=True).decode()
    assert f"< {BLOG_WORDS} >".encode() in stdout and b"__dagster_pipes_version" not in stdout
    methods = [json.loads(line)["method"] for line in stderr.splitlines()]
    assert methods[0] == "opened" and methods[-1] == "closed"


def test_words_from_extras(engine: docker.DockerClient, instance: DagsterInstance) -> None:
    result = run_docker(
        instance, docker_asset(None, extras={"words": ["said", "through", "extras"]})
    )
    assert result.success
    mat = materialization(result)
    assert mat.metadata["ferris_said"].value == "said through extras"
    assert data_version(mat) == sha256("said through extras")


def test_a_paragraph_reaches_dagster_whole(
    engine: docker.DockerClient, instance: DagsterInstance
) -> None:
    """About 1 KB of words: the materialization line (words, bubble, JSON) is some 5 KB."""
    words = " ".join(f"word{i:03d}" for i in range(120))
    result = run_docker(instance, docker_asset([words]))
    assert result.success
    mat = materialization(result)
    assert mat.metadata["ferris_said"].value == words
    assert data_version(mat) == sha256(words)
    assert set(check_evaluations(instance, result)) == set(CHECKS)


def test_a_long_text_reaches_dagster_capped_to_one_log_entry(
    engine: docker.DockerClient, instance: DagsterInstance
) -> None:
    """20 KB of words: podman logs at most 8 KiB per entry (Docker 16 KiB) and the Docker log
    reader parses each entry alone, so on stdio ferris-says caps each text value by its JSON
    size. The materialization arrives whole: the words cut with a note, the full data version."""
    words = " ".join(f"word{i:05d}" for i in range(2000))
    result = run_docker(instance, docker_asset([words]))
    assert result.success
    mat = materialization(result)
    said, bubble = mat.metadata["ferris_said"].value, mat.metadata["ferris"].value
    assert isinstance(said, str) and isinstance(bubble, str)
    assert said.startswith(words[:1000]) and "[truncated: the first " in said
    assert "*Bubble truncated" in bubble
    assert data_version(mat) == sha256(words)


def test_the_component_with_image_runs_the_image(
    engine: docker.DockerClient, instance: DagsterInstance, tmp_path: Path
) -> None:
    """FerrisSaysComponent's `image:` path, for real: the blog's words, wrapped at 12 columns,
    said by the image through PipesDockerClient; the same picture as the command on this host."""
    import dagster as dg

    from ferris_says.dagster import FerrisSaysComponent

    component = FerrisSaysComponent(words=BLOG_WORDS, width=12, image=IMAGE)
    defs = dg.build_defs_for_component(component)
    result = dg.materialize(
        [defs.resolve_assets_def("ferris")], instance=instance, raise_on_error=False
    )
    assert result.success
    container_of_run(engine, result.run_id)  # it ran in a container of the image
    mat = materialization(result)
    assert mat.metadata["ferris_said"].value == BLOG_WORDS
    # In a scratch directory: in the checkout's root, ./fake_temp/ would take the run's messages.
    on_host = subprocess.run(
        [sys.executable, "-m", "ferris_says", "--width", "12", BLOG_WORDS],
        cwd=tmp_path, env=CLEAN_ENV, capture_output=True, check=True, text=True,
    ).stdout  # fmt: skip
    assert mat.metadata["ferris"].value == f"```text\n{on_host}```\n"
    assert data_version(mat) == sha256(BLOG_WORDS)
    assert all(e.passed for e in check_evaluations(instance, result).values())


def test_a_failing_run_fails_in_dagster_with_its_cause(
    engine: docker.DockerClient, instance: DagsterInstance
) -> None:
    result = run_docker(instance, docker_asset(["--asset-key", "nope", "hi"]), raise_on_error=False)
    assert not result.success
    closed = []
    for entry in instance.all_logs(result.run_id, of_type=DagsterEventType.ENGINE_EVENT):
        event = entry.dagster_event
        assert event is not None and isinstance(event.event_specific_data, EngineEventData)
        if "closed with exception" in (event.message or ""):
            assert event.event_specific_data.error is not None
            closed.append(event.event_specific_data.error.message)
    assert len(closed) == 1
    assert "--asset-key 'nope' is not among this step's asset keys: ferris" in closed[0]
    [failure] = instance.all_logs(result.run_id, of_type=DagsterEventType.STEP_FAILURE)
    assert failure.dagster_event is not None
    error = failure.dagster_event.step_failure_data.error
    assert error is not None
    assert "Container exited with non-zero status code" in str(error.to_string())
    container = container_of_run(engine, result.run_id)
    assert container.attrs["State"]["ExitCode"] == 1
    assert not instance.all_logs(result.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION)


# ---- PipesK8sClient, on paper ---------------------------------------------------------------


@pytest.fixture(scope="module")
def kubernetes_example() -> ModuleType:
    module = load_example("kubernetes")
    assert module.IMAGE == IMAGE
    return module


def test_the_kubernetes_example_loads(kubernetes_example: ModuleType) -> None:
    defs = kubernetes_example.defs
    Definitions.validate_loadable(defs)
    assert isinstance(defs.resources["pipes_k8s_client"], PipesK8sClient)
    specs = {spec.name for spec in kubernetes_example.ferris.check_specs}
    assert specs == set(CHECKS)
    assert kubernetes_example.COMMAND[0] == "ferris-says"  # a pod's command replaces ENTRYPOINT
    requests = kubernetes_example.RESOURCES["requests"]
    assert requests["cpu"] and requests["memory"]


class PodLogsMessageReader(PipesMessageReader):
    """Messages on stderr, as PipesK8sClient's reader asks for them; the lines come from
    `podman logs` instead of the Kubernetes API."""

    def __init__(self) -> None:
        self.handler: PipesMessageHandler | None = None

    @contextmanager
    def read_messages(self, handler: PipesMessageHandler) -> Iterator[PipesParams]:
        self.handler = handler
        yield {PipesDefaultMessageWriter.STDIO_KEY: PipesDefaultMessageWriter.STDERR}

    def consume(self, lines: str) -> None:
        assert self.handler is not None, "Dagster opened the reader first"
        for line in lines.splitlines():
            extract_message_or_forward_to_stdout(self.handler, line)

    def no_messages_debug_text(self) -> str:
        return "Read the messages from the pod's logs (podman logs)."


def podman(*args: str, check: bool = True, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["podman", *args], capture_output=True, text=True, timeout=120, **kwargs)
    if check and done.returncode != 0:
        raise AssertionError(f"podman {' '.join(args)}: {done.stderr}")
    return done


def test_the_kubernetes_pod_runs_under_podman_kube_play(
    engine: docker.DockerClient,
    instance: DagsterInstance,
    kubernetes_example: ModuleType,
    tmp_path: Path,
) -> None:
    """What PipesK8sClient.run does, with `podman kube play` in the cluster's place: the pod is
    built by dagster-k8s' build_pod_body from the example's image, command and pod spec, with
    the environment of a real Pipes session."""
    k8s = kubernetes_example

    @asset(name="ferris", check_specs=[AssetCheckSpec(c, asset="ferris") for c in CHECKS])
    def ferris(context: AssetExecutionContext) -> Iterator[Any]:
        reader = PodLogsMessageReader()
        with open_pipes_session(
            context=context, context_injector=PipesEnvContextInjector(), message_reader=reader
        ) as session:
            pod_name = get_pod_name(context.run_id, context.op.name)
            pod = build_pod_body(
                pod_name=pod_name,
                image=k8s.IMAGE,
                command=k8s.COMMAND,
                env_vars=session.get_bootstrap_env_vars(),
                base_pod_meta=None,
                base_pod_spec=k8s.POD_SPEC,
            )
            manifest = {
                "apiVersion": "v1",
                "kind": "Pod",
                **kubernetes.client.ApiClient().sanitize_for_serialization(pod),
            }
            path = tmp_path / "pod.yaml"
            path.write_text(yaml.safe_dump(manifest))
            container = f"{pod_name}-{manifest['spec']['containers'][0]['name']}"
            try:
                podman("kube", "play", "--network=none", str(path))
                podman("wait", container)
                state = json.loads(podman("inspect", container).stdout)[0]
                logs = podman("logs", container)
                reader.consume(logs.stderr)
                context.log.info(f"pod stdout: {logs.stdout}")
                host_config = state["HostConfig"]
                assert state["State"]["ExitCode"] == 0, logs.stderr
                assert state["Config"]["User"] == "10001:10001"
                assert host_config["ReadonlyRootfs"] is True
                assert host_config["Memory"] == 256 * 1024 * 1024
                assert f"< {BLOG_WORDS} >" in logs.stdout
            finally:
                podman("pod", "rm", "--force", pod_name, check=False)
        yield from session.get_results()

    result = materialize([ferris], instance=instance)
    assert result.success
    mat = materialization(result)
    assert mat.metadata["ferris_said"].value == BLOG_WORDS
    assert data_version(mat) == sha256(BLOG_WORDS)
    evaluations = check_evaluations(instance, result)
    assert set(evaluations) == set(CHECKS) and all(e.passed for e in evaluations.values())
    assert "ferris spoke" in user_messages(instance, result)
    pod_name = get_pod_name(result.run_id, "ferris")
    assert podman("pod", "exists", pod_name, check=False).returncode == 1  # removed


def _image_file(path: str) -> bytes:
    done = podman_run([path], "--entrypoint", "cat")
    assert done.returncode == 0, done.stderr
    return done.stdout


MAN_PAGE = "/opt/ferris-says/share/man/man1/ferris-says.1"
MAN_SECTIONS = ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXAMPLES", "SEE ALSO")


def option_names() -> list[str]:
    ctx = click.Context(cli, info_name="ferris-says", **cli.context_settings)
    return [
        name
        for param in cli.get_params(ctx)
        if isinstance(param, click.Option) and not param.hidden
        for name in param.opts + param.secondary_opts
    ]


def image_man(
    *options: str, args: tuple[str, ...] = ("ferris-says",)
) -> subprocess.CompletedProcess[bytes]:
    """`man ARGS` run inside the image: its own man, its own MANPATH, its own user."""
    return podman_run(list(args), "--entrypoint", "man", *options)


def test_man_finds_the_page_beside_the_command() -> None:
    """No MANPATH is set: man-db derives one from PATH (/opt/ferris-says/bin ->
    /opt/ferris-says/share/man), so the page is found where the virtualenv put it."""
    found = image_man(args=("-w", "ferris-says"))
    assert found.returncode == 0, found.stderr
    assert found.stdout.decode().strip() == MAN_PAGE


@settings(
    max_examples=examples(10),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    user=st.one_of(
        st.none(), st.sampled_from(["0", "10001", "65534"]), st.integers(1, 2**31 - 2).map(str)
    ),
    read_only=st.booleans(),
    width=st.integers(min_value=60, max_value=200),
    locale=st.sampled_from([None, "C.UTF-8", "C", "POSIX"]),
)
def test_man_renders_every_option_inside_the_image(
    engine: docker.DockerClient,
    user: Optional[str],
    read_only: bool,
    width: int,
    locale: Optional[str],
) -> None:
    """`man ferris-says` in the container, as the image's user or any uid Kubernetes or OpenShift
    may give it, on a read-only root, at any width and in the locales a container gets: the
    page is the command's own help, every option and section named."""
    options = ["-e", f"MANWIDTH={width}"]
    options += ["--user", user] if user is not None else []
    options += ["--read-only"] if read_only else []
    options += ["-e", f"LANG={locale}", "-e", f"LC_ALL={locale}"] if locale else []
    done = image_man(*options)
    assert done.returncode == 0, done.stderr
    if locale in (None, "C.UTF-8"):
        assert done.stderr == b"", done.stderr
    # (In C and POSIX groff writes ASCII and warns, on stderr, of the Japanese example it drops.)
    shown = done.stdout.decode().replace("\u2010", "-").replace("\u2212", "-")
    for section in MAN_SECTIONS:
        assert re.search(rf"^{section}$", shown, re.M), section
    for name in option_names():
        assert re.search(rf"(^|[ ,]){re.escape(name)}\b", shown, re.M), name
    assert f"ferris-says {__version__}" in shown.splitlines()[-1]  # the footer: this build's page


def test_the_image_lists_every_python_package_with_its_licence() -> None:
    listing = _image_file("/opt/ferris-says/share/licenses/PACKAGES.txt").decode()
    probe = (
        "import importlib.metadata as m, json;"
        "print(json.dumps(sorted(d.metadata['Name'] for d in m.distributions())))"
    )
    names = podman_run(["-c", probe], "--entrypoint", "/opt/ferris-says/bin/python")
    installed = json.loads(names.stdout)
    listed = [line.split(" ", 1)[0] for line in listing.splitlines()]
    assert sorted(listed) == installed and "cowsay" in listed
    assert "GPL" in next(line for line in listing.splitlines() if line.startswith("cowsay "))
    gpl = _image_file("/opt/ferris-says/share/licenses/cowsay/LICENSE.txt").decode()
    assert "GNU GENERAL PUBLIC LICENSE" in gpl and "Version 3" in gpl
    assert b"MIT License" in _image_file("/opt/ferris-says/share/licenses/ferris-says/LICENSE-MIT")
