"""What a newcomer meets first: the verbose trace, `make demo`'s last words, shell completion."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.hypothesis_profiles import examples
from support.run_command import FERRIS, TESTS, encode, run
from support.system_tools import needs

EXTRAS_LINE = 'the run\'s extras={"words": ...} are not used'
REPO = TESTS.parent


def _context(extras: dict[str, object]) -> dict[str, object]:
    context: dict[str, object] = json.loads((REPO / "fake_temp" / "context.json").read_text())
    context["extras"] = extras
    return context


extras_values = st.dictionaries(
    st.sampled_from(["words", "other", "Words", "word"]),
    st.one_of(st.none(), st.text(max_size=8), st.integers(), st.lists(st.text(max_size=4))),
    max_size=3,
)


@settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(extras=extras_values, files=st.booleans())
def test_verbose_mentions_unused_extras_words_only_when_there_are_some(
    tmp_path: Path, extras: dict[str, object], files: bool
) -> None:
    (tmp_path / "said.txt").write_text("from a file")
    messages = tmp_path / "messages.jsonl"
    env = {
        "DAGSTER_PIPES_CONTEXT": encode({"data": _context(extras)}),
        "DAGSTER_PIPES_MESSAGES": encode({"path": str(messages)}),
    }
    args = ["-v", "--files", "said.txt"] if files else ["-v", "hello", "there"]
    done = run(args, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    mentioned = EXTRAS_LINE in done.stderr.decode()
    assert mentioned == (extras.get("words") is not None)


def test_verbose_in_the_project_root_says_six_things_at_most(fake_temp: Path) -> None:
    done = run(["-v", "what you want"], cwd=fake_temp)
    lines = done.stderr.decode().splitlines()
    assert done.returncode == 0 and EXTRAS_LINE not in done.stderr.decode()
    assert len(lines) == 6, lines


@needs("make", "bash")
def test_make_demo_ends_by_saying_how_to_run_the_command(tmp_path: Path) -> None:
    """The demo's last lines name a command that works as printed, from a fresh shell."""
    makefile = (REPO / "Makefile").read_text()
    assert "demo-next-steps" in makefile
    shown = subprocess.run(
        [
            "make",
            "-s",
            "--no-print-directory",
            "demo-next-steps",
            f"VENV={Path(FERRIS).parent.parent}",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [line.strip() for line in shown.splitlines() if line.startswith("  ")]
    assert lines and lines[0].startswith("source "), shown
    # In order, in a fresh shell somewhere else, with nothing of ours on PATH.
    done = subprocess.run(
        ["bash", "-c", "\n".join(lines)],
        cwd=tmp_path,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    assert b"< what you want >" in done.stdout
    assert list(tmp_path.iterdir()) == []  # no fake_temp/ there: nothing written


# ---- shell completion: click's protocol, asked as bash asks it ---------------------------


def _complete(words: str, tmp_path: Path) -> list[str]:
    """What click answers bash for the command line `words` (the cursor at its end)."""
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    env = {
        **os.environ,
        "_FERRIS_SAYS_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(cword),
    }
    done = subprocess.run([FERRIS], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if line]


@given(prefix=st.sampled_from(["", "a", "al", "n", "x"]))
@settings(
    max_examples=examples(5),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_color_completes_its_choices(tmp_path: Path, prefix: str) -> None:
    choices = ["always", "auto", "never"]
    wanted = [f"plain,{c}" for c in choices if c.startswith(prefix)]
    assert sorted(_complete(f"ferris-says --color {prefix}", tmp_path)) == wanted


@given(option=st.sampled_from(["--files", "-f"]), prefix=st.text("ab./é", max_size=3))
@settings(
    max_examples=examples(10),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_files_complete_file_names(tmp_path: Path, option: str, prefix: str) -> None:
    """click answers `file` and lets the shell list the files, which it does for any prefix."""
    assert _complete(f"ferris-says {option} {prefix}", tmp_path) == [f"file,{prefix}"]


PROMPT = b"READY> "


def _type_into_bash(tmp_path: Path, keys: bytes, wanted: str) -> str:
    """Keys typed into an interactive bash with the completion loaded; what the terminal shows
    once it shows ``wanted`` (or after 10 s)."""
    import pty
    import select
    import time

    script = subprocess.run(
        [FERRIS],
        env={**os.environ, "_FERRIS_SAYS_COMPLETE": "bash_source"},
        capture_output=True,
        check=True,
    ).stdout
    (tmp_path / "complete.bash").write_bytes(script)
    env = {
        "PATH": f"{Path(FERRIS).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "TERM": "dumb",
        "PS1": PROMPT.decode(),
        "INPUTRC": "/dev/null",
    }
    pid, fd = pty.fork()
    if pid == 0:  # the child: an interactive bash in the scratch directory
        os.chdir(tmp_path)
        os.execvpe("bash", ["bash", "--norc", "--noprofile", "-i"], env)
    shown = b""

    def read_until(done: Callable[[bytes], bool], seconds: float = 10.0) -> None:
        nonlocal shown
        end = time.monotonic() + seconds
        while not done(shown) and time.monotonic() < end:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    shown += os.read(fd, 4096)
                except OSError:
                    return

    try:
        os.write(fd, b". ./complete.bash\n")
        read_until(lambda seen: PROMPT in seen.partition(b"complete.bash")[2])  # sourced
        shown = b""
        os.write(fd, keys)
        read_until(lambda seen: wanted.encode() in seen)
    finally:
        os.write(fd, b"\x03exit\n")
        os.close(fd)
        os.waitpid(pid, 0)
    return shown.decode(errors="replace")


@needs("bash")
def test_bash_completes_file_names_after_files(tmp_path: Path) -> None:
    for name in ("notes.txt", "todo.txt"):
        (tmp_path / name).write_text("x")
    wanted = "ferris-says --files notes.txt"
    shown = _type_into_bash(tmp_path, b"ferris-says --files no\t", wanted)
    assert wanted in shown, shown


@needs("bash")
def test_bash_completes_color_choices(tmp_path: Path) -> None:
    wanted = "ferris-says --color never"
    shown = _type_into_bash(tmp_path, b"ferris-says --color ne\t", wanted)
    assert wanted in shown, shown
