"""The blob-store servers of ``make test-stores``, each on a free loopback port, stopped after.

moto's S3 server (``moto[server]``), gcp-storage-emulator (both from PyPI, in
.venv-integrations) and Microsoft's Azurite (from npm, installed under build/azurite by the
Makefile); and the drip server (``drip_server``, this module run as a process of its own),
which answers S3's, GCS's and Azure's requests and then misbehaves: drips, falls silent, states
a size it never sends, or sends more than a context may hold.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parents[2]
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


# ---- a store that answers, then misbehaves ------------------------------------------------------
# One in-process HTTP server on loopback speaks just enough of S3's, GCS's and Azure Blob's REST
# for the calls ferris-says makes (read the context object, check a bucket, write a chunk), and
# answers each bucket's object call as that bucket's Answer says: a byte every few seconds,
# silence after the headers, a size it never sends, or more bytes than a context may have.

#: The drip server's own paths: how to answer a bucket, and when a bucket was first asked for.
CONTROL = "/_drip/"

#: Seconds between the bytes of a dripping answer (as slow as a dying link, never silent long
#: enough for a read timeout to fire).
DRIP_SECONDS = 3.0


@dataclass(frozen=True)
class Answer:
    """How the server answers the object call of one bucket (GET of the context, or the write)."""

    #: Bytes of the body: a JSON context padded to this size (a write's answer sends it too).
    size: int
    #: The size the store states: Content-Length, and GCS's metadata or Azure's properties.
    #: None: no length (a chunked body), and the metadata says 2 bytes, a lie.
    stated: int | None
    #: Seconds between bytes; 0 sends as fast as loopback takes them.
    drip: float = 0.0
    #: Bytes sent before the server falls silent (the connection stays open); None: all.
    stall_after: int | None = None
    #: The body gzip-compressed (Content-Encoding: gzip, chunked): ``size`` bytes once inflated.
    gzip: bool = False


CONTEXT_HEAD, CONTEXT_TAIL = b'{"extras":{"p":"', b'"}}'


def context_bytes(size: int, start: int, end: int) -> bytes:
    """Bytes ``start:end`` of a Pipes context of exactly ``size`` bytes, padded inside
    ``extras`` (made piece by piece: a body of a terabyte is never in memory)."""
    end = min(end, size)
    if start >= end:
        return b""
    if size < len(CONTEXT_HEAD) + len(CONTEXT_TAIL):
        return b" " * (end - start)
    tail_at = size - len(CONTEXT_TAIL)
    padding = max(0, min(end, tail_at) - max(start, len(CONTEXT_HEAD)))
    return (
        CONTEXT_HEAD[start : min(end, len(CONTEXT_HEAD))]
        + b"a" * padding
        + CONTEXT_TAIL[max(0, start - tail_at) : max(0, end - tail_at)]
    )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _DripHTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the tests say what failed
        pass

    def do_GET(self) -> None:
        self._route()

    def do_HEAD(self) -> None:
        self._route()

    def do_PUT(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def _route(self) -> None:
        if self.path.startswith(CONTROL):
            self._control(self.path[len(CONTROL) :].split("/", 1))
            return
        self._drain_request_body()
        url = urlsplit(self.path)
        parts = [unquote(p) for p in url.path.split("/")[1:]]
        query = parse_qs(url.query)
        if parts[:3] == ["storage", "v1", "b"] and len(parts) == 4:
            self._json({"kind": "storage#bucket", "name": parts[3], "id": parts[3]})  # GCS bucket
            return
        if parts[:3] == ["storage", "v1", "b"] and parts[4:5] == ["o"] and "alt" not in query:
            bucket, key = parts[3], "/".join(parts[5:])  # GCS object metadata
            stated = self._answer(bucket).stated
            size = 2 if stated is None else stated
            self._json({"kind": "storage#object", "bucket": bucket, "name": key,
                        "size": str(size), "generation": "1"})  # fmt: skip
            return
        if parts[:1] == ["storage"] or parts[:1] == ["download"] or parts[:1] == ["upload"]:
            bucket = parts[4] if parts[:1] in (["download"], ["upload"]) else parts[3]
        elif parts[:1] == [AZURITE_ACCOUNT]:
            bucket = parts[1]
            if self.command == "HEAD":  # Azure blob properties
                stated = self._answer(bucket).stated
                self.send_response(200)
                self._azure_headers(2 if stated is None else stated)
                if self._answer(bucket).gzip:  # a blob stored compressed says so here
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(2 if stated is None else stated))
                self.end_headers()
                return
        else:
            bucket = parts[0]  # S3, path style (an IP address as the endpoint)
        self._misbehave(self._answer(bucket), azure=parts[:1] == [AZURITE_ACCOUNT])

    def _control(self, what: list[str]) -> None:
        kind, bucket = what
        if kind == "answers":
            length = int(self.headers["Content-Length"])
            self.server.answers[bucket] = Answer(**json.loads(self.rfile.read(length)))
            self._json({})
        else:
            self._json({"at": self.server.first_request.get(bucket)})

    def _answer(self, bucket: str) -> Answer:
        self.server.first_request.setdefault(bucket, time.monotonic())
        return self.server.answers[bucket]

    def _drain_request_body(self) -> None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                self.rfile.read(size + 2)
                if size == 0:
                    return
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)

    def _json(self, value: dict[str, Any]) -> None:
        body = json.dumps(value).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _azure_headers(self, size: int, start: int = 0, end: int = 0) -> None:
        self.send_header("x-ms-blob-type", "BlockBlob")
        self.send_header("ETag", '"0x1"')
        self.send_header("Last-Modified", "Thu, 03 Dec 2026 00:00:00 GMT")
        self.send_header("x-ms-version", "2025-01-05")
        if self.command == "GET":
            self.send_header("Content-Range", f"bytes {start}-{max(end - 1, start)}/{size}")

    def _misbehave(self, answer: Answer, azure: bool) -> None:
        self.close_connection = True
        total = answer.size if answer.stated is None else answer.stated
        start, end = 0, total  # the bytes this answer is about: a range of Azure's, or all
        ranged = azure and self.command == "GET"
        if ranged:
            first, last = self.headers.get("x-ms-range", "bytes=0-").split("=")[1].split("-")
            start, end = int(first), min(total, int(last) + 1 if last else total)
        self.send_response(206 if ranged else 201 if azure and self.command == "PUT" else 200)
        self.send_header("Content-Type", "application/json")
        if azure:
            self._azure_headers(total, start, end)
        chunked = answer.stated is None or answer.gzip
        if answer.gzip:
            self.send_header("Content-Encoding", "gzip")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(end - start))
        self.end_headers()
        stop = end if answer.stall_after is None else min(end, start + answer.stall_after)
        step = 1 if answer.drip else 1 << 20
        deflate = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip format
        try:
            for at in range(start, stop, step):
                piece = context_bytes(answer.size, at, min(at + step, stop))
                if not piece:
                    break  # the body is shorter than the length stated for it
                self._send(deflate.compress(piece) if answer.gzip else piece, chunked)
                if answer.drip and self.server.stopping.wait(answer.drip):
                    return
            if answer.stall_after is not None:
                self._silent_until_the_client_leaves()
            elif chunked:
                self._send(deflate.flush() if answer.gzip else b"", chunked)
                self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass  # the client hung up: what a bounded client does

    def _send(self, piece: bytes, chunked: bool) -> None:
        if chunked and piece:
            piece = b"%x\r\n%s\r\n" % (len(piece), piece)
        self.wfile.write(piece)
        self.wfile.flush()

    def _silent_until_the_client_leaves(self) -> None:
        while not self.server.stopping.is_set():
            readable, _, _ = select.select([self.connection], [], [], 0.5)
            if readable and not self.connection.recv(1, socket.MSG_PEEK):
                return


class _DripHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.answers: dict[str, Answer] = {}
        self.first_request: dict[str, float] = {}
        self.stopping = threading.Event()

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # a client hanging up is expected
            super().handle_error(request, client_address)


class DripServer:
    """The misbehaving store, in a process of its own (the test process's threads would skew
    its timings), told how to answer each bucket through its own control paths."""

    def __init__(self, port: int) -> None:
        self.port = port

    def _control(self, method: str, path: str, body: bytes | None = None) -> Any:
        request = Request(f"http://127.0.0.1:{self.port}{CONTROL}{path}", body, method=method)
        with urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def answer(self, bucket: str, answer: Answer) -> None:
        self._control("PUT", f"answers/{bucket}", json.dumps(asdict(answer)).encode())

    def first_request(self, bucket: str) -> float | None:
        """When the first request for ``bucket`` arrived (time.monotonic, the same clock in
        every process of the machine), if one did."""
        at: float | None = self._control("GET", f"first/{bucket}")["at"]
        return at

    def env(self, store: str) -> dict[str, str]:
        """The variables that point ``store``'s SDK here (the credentials are never checked)."""
        endpoint = f"http://127.0.0.1:{self.port}"
        return {
            "s3": {
                "AWS_ENDPOINT_URL": endpoint,
                "AWS_ACCESS_KEY_ID": "ferris-test",
                "AWS_SECRET_ACCESS_KEY": "ferris-test",
                "AWS_DEFAULT_REGION": "us-east-1",
            },
            "gcs": {"STORAGE_EMULATOR_HOST": endpoint, "GOOGLE_CLOUD_PROJECT": "ferris"},
            "azure": {"AZURE_STORAGE_CONNECTION_STRING": azurite_connection_string(self.port)},
        }[store]


@contextmanager
def drip_server(logs: Path) -> Iterator[DripServer]:
    port = free_port()
    argv = [sys.executable, str(Path(__file__).resolve()), "drip", str(port)]
    with server(argv, port, logs / "drip.log"):
        yield DripServer(port)


if __name__ == "__main__":  # the drip server's process: store_servers.py drip PORT
    _DripHTTPServer(int(sys.argv[2])).serve_forever()
