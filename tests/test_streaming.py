"""The picture is streamed: memory follows the input, never the picture.

Padding to the widest line makes some pictures hundreds of times larger than their input. The
command is run in a child whose address space is limited far below the picture's size; code
that builds the picture whole (as the command did before it streamed) dies of MemoryError there.

Each run writes or reads hundreds of megabytes: `make test` streams one 400 MB picture (alone
and under a session) and breaks the stream midway; the tests that repeat it with several files,
colour, 16 MB of words, 10 MB under a session and the memory growth are marked slow (`make
test-slow`).
"""

from __future__ import annotations

import hashlib
import re
import resource
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from support.run_command import (
    BLOG_METHODS,
    CLEAN_ENV,
    FERRIS,
    big_text,
    read_messages,
    run,
    sha256,
)

from ferris_says import iter_say, say
from ferris_says.pipes import metadata
from ferris_says.pipes.metadata import METADATA_CAP_BYTES

# Address space for the child: several times what the streaming command needs (about 100 MiB
# of mappings for Python, its libraries and dagster-pipes), far below the picture.
ADDRESS_SPACE_LIMIT = 256 * 1024 * 1024

# One 20,000-character line and 20,000 newlines: 40 KB of input, a 400 MB picture.
LONG_LINE = 20_000


def tall_and_wide() -> str:
    return "x" * LONG_LINE + "\n" * LONG_LINE


def picture_digest(text: str) -> tuple[str, int]:
    """sha256 and size of the picture, from the pieces (the test never holds it whole)."""
    digest, size = hashlib.sha256(), 0
    for piece in iter_say(text):
        data = piece.encode()
        digest.update(data)
        size += len(data)
    return digest.hexdigest(), size


def limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))


def run_limited(args: Sequence[str], cwd: Path, input_path: Path) -> tuple[int, str, int, bytes]:
    """The command under the address-space limit; stdout hashed as it arrives."""
    with open(input_path, "rb") as stdin:
        process = subprocess.Popen(
            [FERRIS, *args],
            cwd=cwd,
            env=CLEAN_ENV,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=limit_address_space,
        )
        out, err = process.stdout, process.stderr
        assert out is not None and err is not None  # both are pipes
        digest, size = hashlib.sha256(), 0
        for block in iter(lambda: out.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
        stderr = err.read()
        process.wait(timeout=120)
    return process.returncode, digest.hexdigest(), size, stderr


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "tall_and_wide.txt"
    path.write_text(tall_and_wide())
    return path


@pytest.fixture(scope="module")
def big_picture() -> tuple[str, int]:
    return picture_digest(tall_and_wide())


def test_the_limit_is_far_below_the_picture(big_picture: tuple[str, int]) -> None:
    _, size = big_picture
    assert size > 400_000_000 > ADDRESS_SPACE_LIMIT


def test_a_400_mb_picture_under_a_256_mib_address_space(
    tmp_path: Path, big_input: Path, big_picture: tuple[str, int]
) -> None:
    code, digest, size, stderr = run_limited(["-"], tmp_path, big_input)
    assert (code, stderr) == (0, b"")
    assert (digest, size) == big_picture


@pytest.mark.slow
def test_several_files_stream_one_after_the_other(
    tmp_path: Path, big_input: Path, big_picture: tuple[str, int]
) -> None:
    code, digest, size, stderr = run_limited(
        ["--files", str(big_input), "--files", str(big_input)], tmp_path, big_input
    )
    assert (code, stderr) == (0, b"")
    one = hashlib.sha256()
    for _ in range(2):
        for piece in iter_say(tall_and_wide()):
            one.update(piece.encode())
    assert (digest, size) == (one.hexdigest(), 2 * big_picture[1])


def test_under_a_session_the_metadata_is_taken_from_the_stream(
    fake_temp: Path, big_input: Path, big_picture: tuple[str, int]
) -> None:
    code, digest, size, stderr = run_limited(["-"], fake_temp, big_input)
    assert (code, stderr) == (0, b"")
    assert (digest, size) == big_picture
    messages = read_messages(fake_temp / "fake_temp" / "messages.json")
    assert [m["method"] for m in messages] == BLOG_METHODS
    bubble = messages[5]["params"]["metadata"]["ferris"]["raw_value"]
    assert len(bubble.encode()) < METADATA_CAP_BYTES + 300
    top_border = " " + "_" * (LONG_LINE + 2)
    assert bubble.startswith("```text\n" + top_border[: METADATA_CAP_BYTES - 100])
    assert f"of {big_picture[1]} bytes are shown" in bubble


@pytest.mark.slow
def test_colour_streams_too(tmp_path: Path, big_input: Path, big_picture: tuple[str, int]) -> None:
    done = run(["--color", "always", "--files", str(big_input)], tmp_path, timeout=120)
    assert done.returncode == 0
    assert b"\x1b[" in done.stdout[-300:]
    plain = re.sub(rb"\x1b\[[0-9;]*m", b"", done.stdout)
    assert (hashlib.sha256(plain).hexdigest(), len(plain)) == big_picture


def test_a_reader_that_leaves_midway_is_a_quiet_exit_1(tmp_path: Path, big_input: Path) -> None:
    with open(big_input, "rb") as stdin:
        process = subprocess.Popen(
            [FERRIS, "-"],
            cwd=tmp_path,
            env=CLEAN_ENV,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert process.stdout is not None and process.stderr is not None
        assert len(process.stdout.read(5_000_000)) == 5_000_000
        process.stdout.close()
        stderr = process.stderr.read()
        assert process.wait(timeout=60) == 1
    assert stderr == b""


def test_a_disk_full_midway_is_one_line(tmp_path: Path, big_input: Path) -> None:
    with open(big_input, "rb") as stdin, open("/dev/full", "wb") as full:
        done = subprocess.run(
            [FERRIS, "-"],
            cwd=tmp_path,
            env=CLEAN_ENV,
            stdin=stdin,
            stdout=full,
            capture_output=False,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    assert done.returncode == 1
    assert done.stderr == b"ferris-says: error: cannot write to stdout: No space left on device\n"


@pytest.mark.slow
def test_words_that_do_not_fit_are_one_line_out_of_memory(tmp_path: Path) -> None:
    """The words themselves must fit (wrapping keeps about 14 bytes per input byte): 16 MB of
    them (within the 16 MiB the words may be) under the 256 MiB limit end as one line, exit 1,
    and nothing on stdout."""
    words = tmp_path / "words.txt"
    words.write_text(" ".join(["ab", "cde", "fghij", "k"] * 950_000))
    code, _, size, stderr = run_limited(["--width", "40", "--files", str(words)], tmp_path, words)
    assert (code, size) == (1, 0)
    assert stderr == b"ferris-says: error: out of memory\n"


@pytest.mark.slow
def test_ten_megabytes_through_stdin_under_a_session(fake_temp: Path) -> None:
    """The whole picture on stdout, the data version over every byte, and the messages small:
    metadata is capped, so no message line grows with the input."""
    text = big_text(10)
    done = run(["-"], fake_temp, input=text.encode(), timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout == say(text).encode()
    messages_file = fake_temp / "fake_temp" / "messages.json"
    assert messages_file.stat().st_size < 3 * metadata.METADATA_CAP_BYTES
    messages = read_messages(messages_file)
    assert [m["method"] for m in messages] == BLOG_METHODS
    materialization = messages[5]["params"]
    assert materialization["data_version"] == sha256(text)
    said = materialization["metadata"]["ferris_said"]["raw_value"]
    assert said.startswith(text[:1000]) and f"of {len(text.encode())} bytes" in said
    count = messages[4]["params"]["metadata"]["number_of_words_spoken_by_ferris"]["raw_value"]
    assert count == len(text.split())


def _peak_rss_mb(args: Sequence[str], cwd: Path, input_path: Path) -> float:
    """Peak RSS of one run of the command, measured by a fresh parent that has no other child."""
    probe = (
        "import resource, subprocess, sys\n"
        "with open(sys.argv[1], 'rb') as stdin:\n"
        "    code = subprocess.call(sys.argv[2:], stdin=stdin, stdout=subprocess.DEVNULL)\n"
        "assert code == 0, code\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(input_path), FERRIS, *args],
        cwd=cwd,
        env=CLEAN_ENV,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return int(done.stdout) / 1024


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in KiB is Linux's")
@pytest.mark.slow
def test_memory_grows_with_the_input_not_faster(fake_temp: Path) -> None:
    """Peak RSS at 2 MB and 8 MB of stdin, under a session: the extra for 4x the input is at
    most ~4x the extra of the first (generous: 6x), never a quadratic blow-up."""
    small, big = fake_temp / "2mb.txt", fake_temp / "8mb.txt"
    small.write_text(big_text(2), encoding="utf-8")
    big.write_text(big_text(8), encoding="utf-8")
    baseline = _peak_rss_mb(["hi"], fake_temp, small)
    at_2 = _peak_rss_mb(["-"], fake_temp, small) - baseline
    at_8 = _peak_rss_mb(["-"], fake_temp, big) - baseline
    assert at_8 < 6 * max(at_2, 1), (baseline, at_2, at_8)
