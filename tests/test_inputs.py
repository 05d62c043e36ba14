"""The input gate (`ferris_says.inputs`): every path or name a run reads, whatever brings it, is
checked and opened in one place, and every file the run reads is one the messages can never be
written into.

Through the installed command, with hypothesis generating the neighbours of each class: a .cow
file or a COWPATH name that breaks its surface, the messages written into an input, stdin
closed, a directory, non-blocking, not UTF-8, or without end, and --files on every kind of file.
Names in every locale are in test_locales.py.
"""

from __future__ import annotations

import fcntl
import os
import stat
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.hypothesis_runs import process_runs
from support.run_command import (
    CLEAN_ENV,
    FERRIS,
    bytes_env,
    closed_reason,
    dagster_env,
    encode,
    fails,
    in_shell,
    messages_env,
    one_error_line,
    read_messages,
    run,
    whole_messages,
)

from ferris_says import say

RUNS = process_runs(20)
COW = "$the_cow = <<EOC;\n $thoughts\nEOC\n"


def session_env(cwd: Path, extras: dict[str, Any] | None = None) -> tuple[dict[str, str], Path]:
    messages = cwd / "messages.jsonl"
    context = {"asset_keys": ["ferris"], "extras": extras or {}}
    return {
        "DAGSTER_PIPES_CONTEXT": encode({"data": context}),
        "DAGSTER_PIPES_MESSAGES": encode({"path": str(messages)}),
    }, messages


def closed_message(messages: Path) -> str:
    closed = whole_messages(messages)[-1]
    assert closed["method"] == "closed", closed
    return str(closed["params"]["exception"]["message"])


# ---- class B: reading input never ends as `unexpected` ----------------------------------------

repeat_chain = st.tuples(
    st.integers(min_value=1, max_value=3000),  # how many `x N` in a row
    st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=4),  # the counts
    st.sampled_from(['"a"', "'ab'", "$eyes", '("a" . "b")', "chop($eyes)"]),
)


@RUNS
@given(chain=repeat_chain, parenthesised=st.booleans())
def test_any_chain_of_repetitions_in_a_cow_file_is_drawn_or_one_line(
    tmp_path_factory: pytest.TempPathFactory, chain: tuple[int, list[int], str], parenthesised: bool
) -> None:
    """`$the_cow = "a" x 1 x 1 ...` thousands of times (RecursionError on main): drawn, or one
    usage error naming the file, never `unexpected`."""
    cwd = tmp_path_factory.mktemp("repeat")
    length, counts, atom = chain
    repeats = "".join(f" x {counts[i % len(counts)]}" for i in range(length))
    value = f"({atom}{repeats})" if parenthesised else f"{atom}{repeats}"
    (cwd / "chain.cow").write_text(f"$the_cow = {value};\n", encoding="utf-8")
    done = run(["-c", "./chain.cow", "hi"], cwd)
    if done.returncode == 0:
        assert done.stdout.startswith(b" ____\n< hi >\n")
    else:
        fails(done, 2, "chain.cow:")


@RUNS
@given(seed=st.binary(min_size=1, max_size=12).filter(lambda b: b"\0" not in b))
def test_any_seed_bytes_pick_a_character(
    tmp_path_factory: pytest.TempPathFactory, seed: bytes
) -> None:
    """FERRIS_SAYS_SEED is its bytes, any bytes (`$'\\xff'` was `unexpected UnicodeEncodeError`):
    the same bytes make the same pick."""
    cwd = tmp_path_factory.mktemp("seed")
    picks = [
        subprocess.run(
            [os.fsencode(FERRIS), b"-r", b"hi"],
            cwd=cwd,
            env=bytes_env(CLEAN_ENV, FERRIS_SAYS_SEED=seed),
            capture_output=True,
            timeout=60,
        )
        for _ in range(2)
    ]
    assert [p.returncode for p in picks] == [0, 0], picks[0].stderr
    assert picks[0].stdout == picks[1].stdout and picks[0].stderr == b""


not_a_name = st.tuples(
    st.text(max_size=6),
    st.sampled_from(["\0", "\ud800", "\udfff", "\udbff\udbff"]),
    st.text(max_size=6),
).map("".join)
not_text = st.tuples(
    st.text(max_size=4), st.sampled_from(["\ud800", "\udc80", "\udfff"]), st.text(max_size=4)
).map("".join)


@RUNS
@given(
    key=st.sampled_from(["character", "eyes", "tongue", "mode"]),
    value=st.data(),
    path=st.sampled_from(["", "./", "/tmp/"]),
)
def test_extras_no_file_or_text_can_hold_are_one_line_that_reaches_dagster(
    tmp_path_factory: pytest.TempPathFactory, key: str, value: st.DataObject, path: str
) -> None:
    """extras {"character": "./a\\u0000b"} (`unexpected ValueError` on main), {"eyes": "\\ud800x"}
    (blamed on stdout): one usage error naming the extras key, and `closed` carries it."""
    cwd = tmp_path_factory.mktemp("extras")
    bad = value.draw(not_a_name if key == "character" else not_text)
    env, messages = session_env(cwd, {key: path + bad if key == "character" else bad})
    line = fails(run(["hi"], cwd, env), 2, f'Dagster extras "{key}"')
    assert "stdout" not in line
    assert f'Dagster extras "{key}"' in closed_message(messages)


# ---- class C: the messages are never written into a file the run reads -------------------------

INPUT_SURFACES = [
    "--files",
    "--files among others",
    "stdin",
    "-",
    "--character",
    "extras character",
]


def link_to(target: Path, how: str, cwd: Path) -> Path:
    """``target`` itself, or a name for the same file: a symbolic link, a hard link, a path
    with `.` and `..` in it."""
    if how == "same":
        return target
    if how == "symlink":
        (cwd / "via-symlink").symlink_to(target)
        return cwd / "via-symlink"
    if how == "hardlink":
        os.link(target, cwd / "via-hardlink")
        return cwd / "via-hardlink"
    (target.parent / "sub").mkdir(exist_ok=True)
    return target.parent / "sub" / ".." / "." / target.name


@RUNS
@given(
    surface=st.sampled_from(INPUT_SURFACES),
    how=st.sampled_from(["same", "symlink", "hardlink", "dotted"]),
    absolute=st.booleans(),
)
def test_the_messages_file_is_never_one_the_run_reads(
    tmp_path_factory: pytest.TempPathFactory, surface: str, how: str, absolute: bool
) -> None:
    """`--files in.txt` with messages {"path": "in.txt"} appended the messages to the words on
    main; so did stdin from `fake_temp/messages.json` and the .cow file. Each is refused before
    `opened`, by name, and the file is left as it was."""
    cwd = tmp_path_factory.mktemp("clash")
    (cwd / "fake_temp").mkdir()
    (cwd / "fake_temp" / "context.json").write_text('{"asset_keys": ["ferris"]}')
    (cwd / "other.txt").write_text("other words", encoding="utf-8")
    reads_stdin = surface in ("stdin", "-")
    is_cow = "character" in surface
    target = cwd / (
        "mine.cow" if is_cow else "fake_temp/messages.json" if reads_stdin else "in.txt"
    )
    original = (COW if is_cow else "precious words\n").encode()
    target.write_bytes(original)
    named = link_to(target, how, cwd)
    env: dict[str, str] = {}
    if not reads_stdin:  # stdin: the ./fake_temp/ fallback, whose messages file it is
        extras = {"character": "./mine.cow"} if surface == "extras character" else {}
        context = {"asset_keys": ["ferris"], "extras": extras}
        path = str(named) if absolute else os.path.relpath(named, cwd)
        env = {
            "DAGSTER_PIPES_CONTEXT": encode({"data": context}),
            "DAGSTER_PIPES_MESSAGES": encode({"path": path}),
        }
    args = {
        "--files": ["--files", "in.txt"],
        "--files among others": ["--files", "other.txt", "--files", "in.txt"],
        "stdin": [],
        "-": ["-"],
        "--character": ["-c", "./mine.cow", "hi"],
        "extras character": ["hi"],
    }[surface]
    with open(named if reads_stdin else os.devnull, "rb") as stdin:
        done = run(args, cwd, env, stdin=stdin)
    fails(done, 1, "messages", "which this run reads")
    assert target.read_bytes() == original


def test_stdio_messages_into_a_file_the_run_reads_are_refused(tmp_path: Path) -> None:
    """{"stdio": "stderr"} with stderr appended to the --files input (`2>> in.txt`)."""
    (tmp_path / "in.txt").write_text("precious\n", encoding="utf-8")
    env = {
        "DAGSTER_PIPES_CONTEXT": encode({"data": {"asset_keys": ["ferris"]}}),
        "DAGSTER_PIPES_MESSAGES": encode({"stdio": "stderr"}),
    }
    with open(tmp_path / "in.txt", "ab") as stderr:
        done = run(["--files", "in.txt"], tmp_path, env, stderr=stderr)
    assert done.returncode == 1 and done.stdout == b""
    after = (tmp_path / "in.txt").read_bytes()  # the error line went where stderr was sent
    assert after.startswith(b"precious\n") and b"__dagster_pipes_version" not in after
    assert b"which this run reads" in after


# ---- class J: a .cow file or a COWPATH name never breaks its surface ---------------------------


@RUNS
@given(
    over=st.integers(min_value=1, max_value=300_000),
    char=st.sampled_from(["a", "é", "日", "😀"]),
    where=st.sampled_from(["path", "cowpath"]),
)
def test_a_cow_file_over_the_cap_is_too_large_whatever_its_text(
    tmp_path_factory: pytest.TempPathFactory, over: int, char: str, where: str
) -> None:
    """A 1.2 MB .cow of valid UTF-8 was "not valid UTF-8" on main (cut in a character): any
    file over the cap is "too large", before a byte of it is decoded."""
    cwd = tmp_path_factory.mktemp("bigcow")
    cap = 1024 * 1024
    body = char * ((cap + over) // len(char.encode()) + 1)
    (cwd / "big.cow").write_text(f"# {body}\n{COW}", encoding="utf-8")
    if where == "path":
        done = run(["-c", "./big.cow", "hi"], cwd)
    else:
        done = run(["-c", "big", "hi"], cwd, {"COWPATH": str(cwd)})
    line = fails(done, 2, "big.cow", "is too large", "1 MiB")
    assert "UTF-8" not in line


cow_names = st.one_of(
    st.binary(min_size=1, max_size=10),
    st.text(min_size=1, max_size=8).map(lambda t: t.encode("utf-8", "surrogatepass")),
).filter(lambda n: b"\0" not in n and b"/" not in n and n not in (b".", b".."))


@RUNS
@given(names=st.lists(cow_names, min_size=1, max_size=4, unique=True))
def test_any_cowpath_names_are_listed_one_a_line(
    tmp_path_factory: pytest.TempPathFactory, names: list[bytes]
) -> None:
    """A COWPATH file `$'\\xff'.cow` broke --list-characters on main; a name with a newline
    printed on two lines. Every name is listed, on its own line, escaped when it is not
    printable UTF-8, with no raw control character."""
    cwd = tmp_path_factory.mktemp("cowpath")
    cows = os.fsencode(cwd / "cows")
    os.mkdir(cows)
    names = [name for name in names if name not in (b"ferris", b"clippy")] or [b"\xff"]
    for name in names:
        with open(cows + b"/" + name + b".cow", "w") as handle:
            handle.write(COW)
    done = run(["--list-characters"], cwd, {"COWPATH": os.fsdecode(cows)})
    assert done.returncode == 0 and done.stderr == b"", done.stderr
    lines = done.stdout.decode("utf-8").split("\n")
    assert lines[-1] == "" and lines[:2] == ["ferris", "clippy"]
    listed = lines[2 : 2 + len(names)]
    assert len(set(listed)) == len(names)
    for line in listed:
        assert line.isprintable(), line
    error_free = run(["-c", "ferris", "hi"], cwd, {"COWPATH": os.fsdecode(cows)})
    assert error_free.returncode == 0


# ---- one opener: no module opens a file by itself ------------------------------------------------

PACKAGE = Path(__file__).resolve().parent.parent / "ferris_says"
#: Where a file may be opened other than through `inputs.open_file`: the gate itself; stdout's
#: silencing (/dev/null over a failed stream); the volumes writer, which creates new files
#: (O_CREAT | O_EXCL) in a directory it holds open.
OPENERS_ALLOWED = {
    "inputs.py": None,
    "streams.py": {"os.open"},
    "pipes/stores/volumes.py": {"os.open"},
}
#: Calls that open or read a file by its name.
OPENING_CALLS = {
    "open",
    "os.open",
    "io.open",
    "read_bytes",
    "read_text",
    "os.listdir",
    "os.scandir",
}


def opening_calls(path: Path) -> list[tuple[int, str]]:
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name):
            name = func.id
        elif isinstance(func, ast.Attribute):  # os.open, io.open, a Path's read_bytes, ...
            owner = func.value.id if isinstance(func.value, ast.Name) else ""
            name = f"{owner}.{func.attr}" if owner in ("os", "io") else func.attr
            if name == "open":
                continue  # a method of ours (a session's, a writer's open), not a file's
        else:
            continue
        if name in OPENING_CALLS:
            found.append((node.lineno, name))
    return found


def test_every_file_is_opened_by_the_gate() -> None:
    """Files were opened in five places (`streams.read_file`, `cowfile.load_cow_file`,
    `sources.read_context_file`, `channel.open_append`, show_messages' `open`): now by
    `inputs.open_file` alone, so a new surface cannot open a FIFO or read /dev/zero by
    mistake. A module that opens a file by itself fails here, naming the line."""
    strays = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        allowed = OPENERS_ALLOWED.get(module, set())
        for line, call in opening_calls(path):
            if allowed is not None and call not in allowed:
                strays.append(f"{module}:{line} {call}(...)")
    assert strays == [], strays


# ---- what --files reads, and what it refuses at once ---------------------------------------------

def limited_memory() -> None:
    import resource

    limit = 1024 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


FILES_KINDS = {
    "regular file": (0, b"a file"),
    "process substitution": (0, b"piped"),
    "fifo with a writer": (0, b"from a writer"),
    "/dev/null": (0, b""),
    "/dev/zero": (1, b"is too large"),
    "directory": (1, b"is a directory"),
    "socket": (1, b"is a socket, not a regular file"),
    "missing": (1, b"does not exist"),
}


@pytest.mark.parametrize("kind", sorted(FILES_KINDS))
def test_files_reads_what_cat_reads_and_refuses_the_rest_at_once(tmp_path: Path, kind: str) -> None:
    import socket
    import threading

    path = tmp_path / "input"
    writer = None
    if kind == "regular file":
        path.write_text("a file")
    elif kind == "fifo with a writer":
        os.mkfifo(path)

        def write() -> None:
            with open(path, "w") as handle:
                handle.write("from a writer")

        writer = threading.Thread(target=write)
        writer.start()
    elif kind.startswith("/dev/"):
        path = Path(kind)
    elif kind == "directory":
        path.mkdir()
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
    if kind == "process substitution":
        done = subprocess.run(
            ["bash", "-c", f'exec "{FERRIS}" --files <(printf piped)'],
            cwd=tmp_path,
            env=CLEAN_ENV,
            capture_output=True,
            timeout=60,
        )
    else:  # a bounded address space: on a reader without a cap, /dev/zero fails, never swaps
        done = run(["--files", str(path)], tmp_path, timeout=60, preexec_fn=limited_memory)
    if writer is not None:
        writer.join()
    code, said = FILES_KINDS[kind]
    if code == 0:
        assert done.returncode == 0, done.stderr
        assert said in done.stdout
    else:
        fails(done, code, "--files", said.decode())


@pytest.mark.slow  # ten seconds of waiting, no CPU: the wait is the promise
def test_files_waits_for_a_fifo_writer_10_s_at_most(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "nobody.fifo")
    done = run(["--files", "nobody.fifo"], tmp_path, timeout=60)
    fails(done, 1, "--files 'nobody.fifo'", "nothing was written to within 10 s")


# ---- stdin: closed, a directory, not UTF-8, non-blocking, huge -------------------------------


@pytest.mark.parametrize("args", [[], ["-"]], ids=["no-words", "dash"])
def test_stdin_closed_is_nothing_to_say(cwd: Path, args: Sequence[str]) -> None:
    done = in_shell("<&-", args, cwd)
    assert done.returncode == 2
    assert done.stdout == b""
    one_error_line(done.stderr, "nothing to say", "stdin is closed")


@pytest.mark.parametrize("args", [[], ["-"]], ids=["no-words", "dash"])
def test_stdin_a_directory_is_refused_by_python_itself(cwd: Path, args: Sequence[str]) -> None:
    """Documented limitation: CPython refuses a directory on fd 0 before any of our code runs
    ("Fatal Python error: init_sys_streams: <stdin> is a directory"). Exit 1, nothing on
    stdout; the message is Python's, not ours."""
    root = os.open("/", os.O_RDONLY)
    try:
        done = run(args, cwd, stdin=root)
    finally:
        os.close(root)
    assert done.returncode == 1
    assert done.stdout == b""
    assert b"<stdin> is a directory" in done.stderr


@pytest.mark.parametrize("args", [[], ["-"], ["-w", "5"]])
def test_stdin_not_utf8_names_the_byte_and_offset(cwd: Path, args: Sequence[str]) -> None:
    good = "ferris はなす ".encode() * 1000
    done = run(args, cwd, input=good + b"\xc3\x28 tail")
    assert done.returncode == 1
    assert done.stdout == b""
    one_error_line(done.stderr, "stdin: is not valid UTF-8", "0xc3", f"offset {len(good)}")


def test_stdin_not_utf8_under_dagster_reaches_closed(cwd: Path) -> None:
    messages = cwd / "messages.jsonl"
    done = run(["-"], cwd, dagster_env(messages), input=b"\xff")
    assert done.returncode == 1 and done.stdout == b""
    one_error_line(done.stderr, "stdin: is not valid UTF-8")
    assert "stdin: is not valid UTF-8" in closed_reason(read_messages(messages))


def test_nonblocking_stdin_is_waited_on(cwd: Path) -> None:
    read_end, write_end = os.pipe()
    fcntl.fcntl(read_end, fcntl.F_SETFL, fcntl.fcntl(read_end, fcntl.F_GETFL) | os.O_NONBLOCK)
    process = subprocess.Popen(
        [FERRIS, "-"],
        cwd=cwd,
        env=CLEAN_ENV,
        stdin=read_end,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    os.close(read_end)
    for part in (b"slow ", b"words ", b"arrive"):
        time.sleep(0.2)
        os.write(write_end, part)
    os.close(write_end)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out, err) == (0, say("slow words arrive").encode(), b"")


# ---- 12. reading without end names what was being read --------------------------------------


@pytest.mark.parametrize("source", ["--files", "stdin", "-"])
@pytest.mark.parametrize("session", [False, True])
def test_words_without_end_name_their_source(cwd: Path, source: str, session: bool) -> None:
    env: dict[str, str] = {}
    if session:
        env, messages = messages_env(cwd, {"data": {"asset_keys": ["ferris"]}})
    args = {"--files": ["--files", "/dev/zero"], "stdin": [], "-": ["-"]}[source]
    with open("/dev/zero", "rb") as zero:
        done = run(args, cwd, env, timeout=120, stdin=zero)
    says = "--files '/dev/zero'" if source == "--files" else "stdin"
    if session and source == "stdin":  # under Dagster, stdin is never read
        fails(done, 2, "nothing to say")
        return
    fails(done, 1, f"{says}: is too large", "16 MiB")
    if session:
        assert "too large" in whole_messages(messages)[-1]["params"]["exception"]["message"]


def test_files_from_a_fifo_with_a_writer_are_read(cwd: Path) -> None:
    import threading

    fifo = cwd / "words.fifo"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "w") as handle:
            handle.write("from a pipe")

    writer = threading.Thread(target=write)
    writer.start()
    done = run(["--files", str(fifo)], cwd, timeout=30)
    writer.join()
    assert done.returncode == 0 and b"from a pipe" in done.stdout
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
