"""Shell completion requests, well-formed or not: an answer, or one line and exit 2.

The shells' scripts set the command's own variable (`_FERRIS_SAYS_COMPLETE`, ...), `COMP_WORDS`
and `COMP_CWORD`; hypothesis sets them to anything (unset, empty, not a number, quotes left open,
bytes that are not UTF-8) and puts a `.cow` file whose name is not UTF-8 in COWPATH. Every
console script of the package is asked, each run in this process by its entry point, its
descriptors captured.
"""

from __future__ import annotations

import os
from importlib import metadata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.hypothesis_profiles import examples

from ferris_says import cli, environment

#: Every command the package installs, by name: its entry point.
SCRIPTS = {
    script.name: script
    for script in metadata.distribution("ferris-says").entry_points
    if script.group == "console_scripts"
}
#: How each command's error line starts: click's commands say `error:`, the drop-in speaks as
#: cowsay's `die` does.
ERROR_HEAD = {"ferris_says.cli": "error: ", "ferris_says.cowsay_cli": ""}

#: Variables a run must not inherit: the completion's own and what changes its answers.
VARIABLES = (
    *environment.COMPLETE_VARIABLES.values(),
    environment.COMP_WORDS,
    environment.COMP_CWORD,
    environment.COWPATH,
)

# Text an environment variable can hold: no NUL; bytes that are not UTF-8 arrive as surrogate
# escapes (U+DC80..U+DCFF), the only surrogates a variable can carry.
env_text = st.lists(
    st.characters(min_codepoint=1).filter(lambda char: not "\ud800" <= char <= "\udfff")
    | st.sampled_from(["\udcff", "\udc80", "'", '"', "\\", " ", "-c", "--files", "="]),
    max_size=12,
).map("".join)
instructions = st.one_of(
    st.sampled_from(["bash_complete", "zsh_complete", "fish_complete"]),
    st.builds(
        lambda shell, verb: f"{shell}_{verb}",
        st.sampled_from(["bash", "zsh", "fish", "tcsh", "", "BASH", "powershell"]),
        st.sampled_from(["complete", "source", "", "completes", "complete_"]),
    ),
    env_text,
)
command_lines = st.one_of(
    st.none(),
    st.lists(
        st.sampled_from(["ferris-says", "-c", "--character", "--files", "--mode", "cl", "t", ""])
        | env_text,
        max_size=5,
    ).map(" ".join),
)
word_numbers = st.one_of(st.none(), st.integers(-3, 12).map(str), env_text, st.just("9" * 5000))


@pytest.fixture(scope="module")
def cowpath(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A COWPATH directory holding a cow named in UTF-8 and one whose name is not UTF-8."""
    directory = tmp_path_factory.mktemp("cows")
    cow = b"$the_cow = <<EOC;\n $thoughts\nEOC\n"
    (directory / "plain.cow").write_bytes(cow)
    (directory / os.fsdecode(b"\xff\xfe.cow")).write_bytes(cow)
    return directory


def test_every_command_has_its_completion_variable() -> None:
    assert sorted(SCRIPTS) == sorted(environment.COMPLETE_VARIABLES)
    assert {script.module for script in SCRIPTS.values()} == set(ERROR_HEAD)


@pytest.mark.parametrize("program", sorted(SCRIPTS))
@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    instruction=instructions,
    words=command_lines,
    number=word_numbers,
    with_cowpath=st.booleans(),
)
def test_any_completion_request_is_an_answer_or_one_line(
    capfdbinary: pytest.CaptureFixture[bytes],
    cowpath: Path,
    program: str,
    instruction: str,
    words: str | None,
    number: str | None,
    with_cowpath: bool,
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cowpath.parent)  # an empty instruction runs the command: not in the checkout
        for name in VARIABLES:
            patch.delenv(name, raising=False)
        given_values = {
            environment.COMPLETE_VARIABLES[program]: instruction,
            environment.COMP_WORDS: words,
            environment.COMP_CWORD: number,
            environment.COWPATH: str(cowpath) if with_cowpath else None,
        }
        for name, value in given_values.items():
            if value is not None:
                patch.setenv(name, value)
        capfdbinary.readouterr()
        code = SCRIPTS[program].load()([])
        out, err = capfdbinary.readouterr()
    lines = err.splitlines()
    head = f"{program}: ".encode()
    error = head + ERROR_HEAD[SCRIPTS[program].module].encode()
    assert b"Traceback" not in err and b"unexpected" not in err, err
    assert all(line.startswith(head) for line in lines), err
    if not instruction:
        return  # an empty instruction is no completion: the command runs (nothing to say)
    if code == 2:
        assert len(lines) == 1 and lines[0].startswith(error), err
        assert out == b""
        return
    assert code == 0, (code, err)
    assert not any(b" asks to complete" in line or b"completion request" in line for line in lines)
    if instruction.endswith("_complete"):
        assert out.endswith(b"\n")
        out.decode("utf-8")  # whatever the names, the answer is UTF-8
        assert len(lines) <= 1  # the one line about names that are not UTF-8


def test_a_name_that_is_not_utf8_is_left_out_in_one_line(
    capfdbinary: pytest.CaptureFixture[bytes], cowpath: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(environment.COWPATH, str(cowpath))
    monkeypatch.setenv(environment.COMPLETE, "bash_complete")
    monkeypatch.setenv(environment.COMP_WORDS, "ferris-says -c ")
    monkeypatch.setenv(environment.COMP_CWORD, "2")
    assert cli.main([]) == 0
    out, err = capfdbinary.readouterr()
    names = [line.split(b",", 1)[1] for line in out.splitlines()]
    assert names[:3] == [b"ferris", b"clippy", b"plain"]
    assert err == (
        b"ferris-says: completion: left out what is not UTF-8, which no argument may be:"
        b" '\\xff\\xfe'\n"
    )
