"""Neo-cowsay's --rainbow, --bold and --aurora: against Neo-cowsay's own binary, and on every
command (NO_COLOR and --color never winning).

The binary is built from Neo-cowsay's sources next to the checkout (`../shared/oracle/`, see its
README); where it is absent the comparisons with it are not collected, and the run says so.
What our commands print is checked without it too: the colours of `decorate` over the very
picture the command prints without them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.hypothesis_profiles import examples
from support.run_command import CLEAN_ENV, command
from support.system_tools import elsewhere

from ferris_says.decorate import AURORA, AURORA_STEPS, BOLD, RAINBOW, aurora_code, decorate

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def neo_cowsay() -> Path | None:
    """Neo-cowsay's binary: $NEO_COWSAY, or shared/oracle/neo-cowsay/ beside a parent of the
    checkout."""
    if "NEO_COWSAY" in os.environ:
        return Path(os.environ["NEO_COWSAY"])
    for parent in ROOT.parents:
        candidate = parent / "shared" / "oracle" / "neo-cowsay" / "neo-cowsay"
        if candidate.exists():
            return candidate
    return None


NEO = neo_cowsay()
# Neo-cowsay comes from no Debian package: where it is absent, its comparisons are not collected.
needs_neo = elsewhere(NEO or "../shared/oracle/neo-cowsay/neo-cowsay", "Neo-cowsay's binary")


def neo(*args: str) -> str:
    assert NEO is not None
    done = subprocess.run([str(NEO), *args], capture_output=True, timeout=60, check=True)
    return done.stdout.decode("utf-8")


words = st.text(
    st.characters(exclude_categories=["Cs", "Cc"]) | st.sampled_from(" \t"), min_size=1, max_size=50
).filter(lambda text: not text.startswith("-") and text.strip())


@needs_neo
@settings(max_examples=examples(40), deadline=None)
@given(text=words, bold=st.booleans(), think=st.booleans())
def test_rainbow_and_bold_are_neo_cowsays(text: str, bold: bool, think: bool) -> None:
    program = ["-f", "default"] if not think else ["-f", "tux"]
    plain = neo(*program, text)
    styles = [RAINBOW, *([BOLD] if bold else [])]
    assert "".join(decorate([plain], styles)) == neo(
        *program, "--rainbow", *(["--bold"] * bold), text
    )
    assert "".join(decorate([plain], [BOLD])) == neo(*program, "--bold", text)


@needs_neo
@settings(max_examples=examples(15), deadline=None)
@given(text=words, bold=st.booleans())
def test_aurora_is_neo_cowsays_from_some_start(text: str, bold: bool) -> None:
    plain = neo(text)
    coloured = neo("--aurora", *(["--bold"] * bold), text)
    styles = [AURORA, *([BOLD] if bold else [])]
    starts = [s for s in range(AURORA_STEPS) if "".join(decorate([plain], styles, s)) == coloured]
    assert starts, "no start of ours draws Neo-cowsay's aurora"


def test_aurora_codes_are_the_cube_along_the_waves() -> None:
    codes = [aurora_code(step) for step in range(1000)]
    assert all(16 <= code <= 231 for code in codes)
    assert len(set(codes)) > 20  # it moves
    assert sum(a != b for a, b in zip(codes, codes[1:])) < len(codes) // 4  # slowly


def test_pieces_may_be_cut_anywhere() -> None:
    picture = " __\n< hi >\n --\n   \\\n"
    whole = "".join(decorate([picture], [RAINBOW, BOLD]))
    assert "".join(decorate(list(picture), [RAINBOW, BOLD])) == whole
    assert "".join(decorate([picture[:5], picture[5:]], [AURORA], 7)) == "".join(
        decorate([picture], [AURORA], 7)
    )
    assert ANSI.sub("", whole) == picture


# ---- on every command ----------------------------------------------------------------------

COMMANDS = {
    "ferris-says": ["-c", "clippy", "hello there"],
    "ferris-thinks": ["hello there"],
    "ferris-cowsay": ["-f", "tux", "hello there"],
    "ferris-cowthink": ["hello there"],
}


def run(name: str, *args: str, env: dict[str, str] | None = None) -> bytes:
    with tempfile.TemporaryDirectory(prefix="ferris-decorate-") as scratch:
        done = command(
            [str(Path(sys.executable).with_name(name)), *args],
            cwd=scratch,
            env={**CLEAN_ENV, "FERRIS_SAYS_SEED": "7", **(env or {})},
            input=None,
        )
    assert done.returncode == 0 and done.stderr == b"", done
    return done.stdout


@pytest.mark.parametrize(
    "styles", [["--rainbow"], ["--bold"], ["--rainbow", "--bold"], ["--aurora"]]
)
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_colours_its_own_picture(name: str, styles: list[str]) -> None:
    plain = run(name, *COMMANDS[name]).decode()
    coloured = run(name, *styles, *COMMANDS[name]).decode()  # a pipe: asked for, it colours
    assert ANSI.sub("", coloured) == plain
    chosen = [style.removeprefix("--") for style in styles]
    starts = range(AURORA_STEPS) if AURORA in chosen else [0]
    assert any("".join(decorate([plain], chosen, start)) == coloured for start in starts)
    assert run(name, *styles, *COMMANDS[name]) == coloured.encode()  # the seed repeats it


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_no_color_wins(name: str) -> None:
    plain = run(name, *COMMANDS[name])
    assert run(name, "--rainbow", "--aurora", *COMMANDS[name], env={"NO_COLOR": "1"}) == plain
    if not name.startswith("ferris-cow"):
        assert run(name, "--color", "never", "--rainbow", *COMMANDS[name]) == plain
