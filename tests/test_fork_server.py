"""The fork server `make test` runs the commands through (tests/support/fork_server.py) gives what
the console script started afresh gives: status, stdout and stderr, byte for byte."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.fork_server import ForkServer, as_bytes
from support.run_command import CLEAN_ENV, FERRIS, encode, read_messages

#: (console script, arguments, variables, stdin): the plain path, click's help and errors, rich's
#: colour, stdin, bytes that are not UTF-8, a Pipes session, each console script.
RUNS: list[tuple[str, list[str | bytes], dict[str, str], bytes | None]] = [
    ("ferris-says", ["hi"], {}, b""),
    ("ferris-says", ["--help"], {}, b""),
    ("ferris-says", ["-c", "nobody", "hi"], {}, b""),
    ("ferris-says", ["--width", "x", "hi"], {}, None),
    ("ferris-says", ["--color", "always", "-c", "nobody", "hi"], {"FORCE_COLOR": "1"}, b""),
    ("ferris-says", ["-"], {}, "from stdin, été\n".encode()),
    ("ferris-says", [b"caf\xe9"], {}, b""),
    ("ferris-says", ["-v", "--files", "missing.txt"], {}, b""),
    (
        "ferris-says",
        ["hi"],
        {
            "DAGSTER_PIPES_CONTEXT": encode({"data": {"asset_keys": ["ferris"]}}),
            "DAGSTER_PIPES_MESSAGES": encode({"path": "m.json"}),
        },
        b"",
    ),
    ("ferris-thinks", ["hmm"], {}, b""),
    ("ferris-cowsay", ["-f", "tux", "moo"], {}, b""),
    ("ferris-cowthink", ["-n"], {}, b"  two\n  lines\n"),
]


@pytest.fixture(scope="module")
def server() -> Iterator[ForkServer]:
    started = ForkServer(CLEAN_ENV)
    yield started
    started.close()


@pytest.mark.parametrize(("script", "argv", "env", "stdin"), RUNS)
def test_a_forked_run_is_a_run_afresh(
    server: ForkServer,
    tmp_path: Path,
    script: str,
    argv: list[str | bytes],
    env: dict[str, str],
    stdin: bytes | None,
) -> None:
    program = str(Path(FERRIS).with_name(script))
    fresh_dir, forked_dir = tmp_path / "fresh", tmp_path / "forked"
    fresh_dir.mkdir()
    forked_dir.mkdir()
    fresh = subprocess.run(
        [program, *argv],
        cwd=fresh_dir,
        env={**CLEAN_ENV, **env},
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        timeout=60,
        check=False,
    )
    forked = server.run(script, argv, {**CLEAN_ENV, **env}, forked_dir, stdin)
    # An error names a path in full: each run's own directory.
    assert (forked.code, forked.stdout, forked.stderr.replace(bytes(forked_dir), b"DIR")) == (
        fresh.returncode,
        fresh.stdout,
        fresh.stderr.replace(bytes(fresh_dir), b"DIR"),
    )
    if (fresh_dir / "m.json").exists():
        methods = [
            [message["method"] for message in read_messages(path)]
            for path in (fresh_dir / "m.json", forked_dir / "m.json")
        ]
        assert methods[0] == methods[1] and methods[0][-1] == "closed"


@pytest.mark.parametrize(
    ("variable", "value"),
    [("PYTHONUTF8", "1"), ("PYTHONIOENCODING", "latin-1"), ("LC_ALL", "C"), ("LANG", "C")],
)
def test_what_python_reads_as_it_starts_is_started_afresh(
    server: ForkServer, variable: str, value: str
) -> None:
    """A running interpreter cannot take another locale or another mode: such a run is not
    forked (run_command.command starts it afresh)."""
    assert server.forkable(as_bytes({**CLEAN_ENV, "NO_COLOR": "1"}))
    changed = {**CLEAN_ENV, variable: value}
    assert CLEAN_ENV.get(variable) == value or not server.forkable(as_bytes(changed))
