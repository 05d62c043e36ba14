"""The blob-store servers of ``make test-stores``, each on a free loopback port, stopped after.

moto's S3 server (``moto[server]``), gcp-storage-emulator (both from PyPI, in
.venv-integrations) and Microsoft's Azurite (from npm, installed under build/azurite by the
Makefile).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
AZURITE = Path(
    os.environ.get("AZURITE_BLOB", ROOT / "build/azurite/node_modules/.bin/azurite-blob")
)

#: Azurite's well-known development account (published in Microsoft's Azurite documentation).
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def closed_port() -> int:
    """A loopback port where nothing listens (connections are refused at once)."""
    return free_port()


def _wait_for(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {log.read_text()[-2000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(
        f"server not listening on {port} after {timeout} s: {log.read_text()[-2000:]}"
    )


@contextmanager
def server(argv: list[str], port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``argv`` in its own process group; stop that group (ours alone) afterwards."""
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for(port, proc, log)
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@contextmanager
def moto_s3(logs: Path) -> Iterator[dict[str, str]]:
    port = free_port()
    with server(
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], port, logs / "moto.log"
    ):
        yield {
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "AWS_ACCESS_KEY_ID": "ferris-test",
            "AWS_SECRET_ACCESS_KEY": "ferris-test",
            "AWS_DEFAULT_REGION": "us-east-1",
        }


@contextmanager
def gcs_emulator(logs: Path) -> Iterator[dict[str, str]]:
    port = free_port()
    argv = [str(BIN / "gcp-storage-emulator"), "start", "--host", "127.0.0.1", "--port", str(port)]
    with server([*argv, "--in-memory"], port, logs / "gcs.log"):
        yield {
            "STORAGE_EMULATOR_HOST": f"http://127.0.0.1:{port}",
            "GOOGLE_CLOUD_PROJECT": "ferris",
        }


def azurite_connection_string(port: int, key: str = AZURITE_KEY) -> str:
    return (
        f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={key};"
        f"BlobEndpoint=http://127.0.0.1:{port}/{AZURITE_ACCOUNT};"
    )


@contextmanager
def azurite(logs: Path) -> Iterator[dict[str, str]]:
    port = free_port()
    argv = [
        str(AZURITE),
        "--blobHost", "127.0.0.1",
        "--blobPort", str(port),
        "--inMemoryPersistence",
        "--skipApiVersionCheck",
        "--disableTelemetry",
        "--silent",
    ]  # fmt: skip
    with server(argv, port, logs / "azurite.log"):
        yield {"AZURE_STORAGE_CONNECTION_STRING": azurite_connection_string(port)}
