"""cowsay's options on our own cast: think, eyes, tongue, modes, COWPATH, --random, completion.

The .cow files are compared with Perl cowsay in test_cowsay_oracle.py; here the built-in
characters (Ferris, Clippy, the cowsay package's), the option conflicts and the lookup rules.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import system_tools
from support.crate_pictures import CRATE_CLIPPY, CRATE_FERRIS
from support.hypothesis_profiles import examples
from support.run_command import CLEAN_ENV, FERRIS, command
from support.system_tools import needs

from ferris_says import environment, faces, looks, say
from ferris_says.bubble import THINK_BORDERS, bubble_lines, iter_bubble
from ferris_says.characters import BUILTIN_CHARACTERS, character_names
from ferris_says.cowpath import cowpath_file, cowpath_names

DEBIAN_COWS = Path(system_tools.DEBIAN_COWS)
THINKS = str(Path(FERRIS).with_name("ferris-thinks"))
#: The names cowsay's directories have on this machine, in the order they are searched.
DIRECTORY_NAMES = cowpath_names()
#: The cowsay package's characters that no cowsay directory here shadows: what they draw is the
#: package's picture (a name a directory has draws its .cow file, as cowsay does).
PACKAGE_ONLY = [name for name in character_names() if cowpath_file(name) is None]


def ferris(
    *args: str, env: dict[str, str] | None = None, program: str = FERRIS
) -> subprocess.CompletedProcess[bytes]:
    # In a scratch directory: in the checkout's root, ./fake_temp/ would take the messages.
    with tempfile.TemporaryDirectory(prefix="ferris-looks-") as scratch:
        return command(
            [program, "--color", "never", *args],
            cwd=scratch,
            env={**CLEAN_ENV, **(env or {})},
            input=None,
        )


def one_error_line(done: subprocess.CompletedProcess[bytes]) -> str:
    assert done.returncode == 2, done
    assert done.stdout == b""
    stderr = done.stderr.decode()
    assert stderr.count("\n") == 1 and stderr.startswith("ferris-says: error: "), stderr
    return stderr


# ---- thinking ----------------------------------------------------------------------------------


def thought_of(picture: str, bubble_lines_count: int) -> str:
    """What cowthink does to a picture said by the crate: every text line's edges become
    ( ), and the tail's `\\` become `o` (written independently of faces.thinking)."""
    lines = picture.split("\n")
    for index in range(1, 1 + bubble_lines_count):
        lines[index] = "( " + lines[index][2:-2] + " )"
    tail_start = 2 + bubble_lines_count
    column = -1
    for index in range(tail_start, len(lines)):
        line = lines[index]
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if not stripped.startswith("\\") or (column >= 0 and indent != column + 1):
            break
        lines[index] = line[:indent] + "o" + line[indent + 1 :]
        column = indent
    return "\n".join(lines)


texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=80)


@settings(max_examples=examples(150), deadline=None)
@given(
    text=texts,
    width=st.none() | st.integers(0, 50),
    name=st.sampled_from(PACKAGE_ONLY),
)
def test_every_built_in_character_thinks_in_cowthinks_bubble(
    text: str, width: int | None, name: str
) -> None:
    drawing = looks.draw(looks.Look(character=name, think=True))
    lines = bubble_lines(text, width)
    thought = "".join(iter_bubble(lines, drawing.borders)) + drawing.mascot
    assert drawing.borders == THINK_BORDERS
    assert thought == thought_of(say(text, width, name), len(lines))
    assert thought.count("o") > say(text, width, name).count("o")  # the tail did change


def test_ferris_thinks_through_both_commands() -> None:
    expected = (
        " _______\n( hello )\n -------\n        o\n         o\n" + CRATE_FERRIS.split("\n", 3)[3]
    )
    assert ferris("--think", "hello").stdout.decode() == expected
    assert ferris("hello", program=THINKS).stdout.decode() == expected
    assert ferris("-w", "3", "a b c d", program=THINKS).stdout.startswith(
        b" _____\n( a b )\n( c d )\n -----\n"
    )


def test_think_with_say_defaults_unchanged() -> None:
    # Without --think, nothing moves: the crate's picture, byte for byte.
    assert ferris("-c", "ferris", "hi").stdout.decode() == say("hi")
    assert ferris("-c", "clippy", "-w", "1", "hi you").stdout.decode() == say("hi you", 1, "clippy")


# ---- eyes and tongues on our own characters -----------------------------------------------------

face_text = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\x00\n"), max_size=3
)


@settings(max_examples=examples(40), deadline=None)
@given(eyes=face_text, name=st.sampled_from(list(BUILTIN_CHARACTERS)), think=st.booleans())
def test_eyes_go_where_ferris_and_clippy_have_them(eyes: str, name: str, think: bool) -> None:
    mascot = looks.draw(looks.Look(character=name, eyes=eyes, think=think)).mascot
    crate = (CRATE_FERRIS if name == "ferris" else CRATE_CLIPPY).split("\n")
    index, _ = faces.EYE_LINES[name]
    drawn = mascot.split("\n")
    left, right = eyes[:1], eyes[1:2]
    eye_line = crate[index].replace(
        "o o" if name == "ferris" else "@  @",
        f"{left} {right}" if name == "ferris" else f"{left}  {right}",
    )
    assert drawn[index] == eye_line
    others = [line for i, line in enumerate(drawn) if i != index and i > 2]
    assert others == [line for i, line in enumerate(crate) if i != index and i > 2]


def test_the_crates_eyes_are_the_default_eyes() -> None:
    for name, (index, with_eyes) in faces.EYE_LINES.items():
        own = (CRATE_FERRIS if name == "ferris" else CRATE_CLIPPY).split("\n")[index]
        assert with_eyes(*("oo" if name == "ferris" else "@@")) == own


@pytest.mark.parametrize("mode", list(looks.MODES))
def test_modes_on_ferris_and_clippy(mode: str) -> None:
    eyes, _ = looks.MODES[mode]
    done = ferris("--mode", mode, "hi")
    assert done.returncode == 0
    assert f"/  {eyes[0]} {eyes[1]}  \\" in done.stdout.decode()
    assert (
        f"           {eyes[0]}  {eyes[1]}\n"
        in ferris("-c", "clippy", "--mode", mode, "x").stdout.decode()
    )


@pytest.mark.parametrize("letter, mode", sorted(looks.MODE_LETTERS.items()))
def test_each_mode_letter_is_its_mode(letter: str, mode: str) -> None:
    assert ferris(f"-{letter}", "hi").stdout == ferris("--mode", mode, "hi").stdout


@pytest.mark.parametrize("name", list(BUILTIN_CHARACTERS) + ["pig", "cow"])
def test_a_tongue_where_there_is_no_tongue_is_refused(name: str) -> None:
    line = one_error_line(ferris("-c", name, "-T", "U ", "hi"))
    assert f"{name} has no tongue" in line


@pytest.mark.parametrize("option", [["-e", "^^"], ["--mode", "dead"], ["-b"]])
def test_eyes_on_a_drawn_in_face_are_refused(option: list[str]) -> None:
    line = one_error_line(ferris("-c", "pig", *option, "hi"))
    assert "pig has no place for eyes" in line


def test_a_modes_tongue_is_left_out_where_there_is_none() -> None:
    # dead draws xx and a tongue; Ferris has eyes but no tongue: the eyes show the mode.
    assert "/  x x  \\" in ferris("-d", "hi").stdout.decode()


# ---- conflicts -------------------------------------------------------------------------------

mode_form = st.sampled_from(
    [(f"-{letter}", name) for letter, name in looks.MODE_LETTERS.items()]
    + [(f"--mode={name}", name) for name in looks.MODES]
)


@settings(max_examples=examples(30), deadline=None)
@given(first=mode_form, second=mode_form)
def test_two_different_modes_are_a_usage_error(
    first: tuple[str, str], second: tuple[str, str]
) -> None:
    done = ferris(first[0], second[0], "hi")
    if first[1] == second[1]:
        assert done.returncode == 0
    else:
        assert "choose one mode" in one_error_line(done)


def test_random_with_a_character_is_a_usage_error() -> None:
    assert "--random or --character" in one_error_line(ferris("-r", "-c", "tux", "hi"))


def test_an_empty_character_is_nobody_not_ferris() -> None:
    assert "unknown character ''" in one_error_line(ferris("-c", "", "hi"))


def test_unknown_mode_lists_the_modes() -> None:
    line = one_error_line(ferris("--mode", "sleepy", "hi"))
    assert all(mode in line for mode in looks.MODES)


def test_w_is_still_width_and_f_still_files() -> None:
    assert ferris("-w", "1", "a b").stdout.decode() == say("a b", 1)


# ---- COWPATH, listing, random ----------------------------------------------------------------


def cowpath(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "bird.cow").write_text("$the_cow = <<EOC;\n $thoughts first bird\nEOC\n")
    (second / "bird.cow").write_text("$the_cow = <<EOC;\n $thoughts second bird\nEOC\n")
    (second / "tux.cow").write_text("$the_cow = <<EOC;\n $thoughts cowpath tux ($eyes)\nEOC\n")
    (second / "ferris.cow").write_text("$the_cow = <<EOC;\n not our ferris\nEOC\n")
    (second / "plain").write_text("$the_cow = 'no suffix';\n")
    return first, second


def test_cowpath_order_and_precedence(tmp_path: Path) -> None:
    first, second = cowpath(tmp_path)
    env = {"COWPATH": f"{first}:{tmp_path / 'missing'}::{second}"}
    assert ferris("-c", "bird", "x", env=env).stdout.endswith(b" ---\n \\ first bird\n")
    assert ferris("-c", "tux", "-e", "^^", "x", env=env).stdout.endswith(b"cowpath tux (^^)\n")
    assert ferris("-c", "plain", "x", env=env).stdout.endswith(b" ---\nno suffix")
    # Ferris and Clippy are never shadowed: the plain-words path does not read COWPATH.
    assert ferris("-c", "ferris", "x", env=env).stdout.decode() == say("x")
    listed = ferris("--list-characters", env=env).stdout.decode().split("\n")[:-1]
    found = ["bird", "tux", *(name for name in DIRECTORY_NAMES if name not in ("bird", "tux"))]
    cast = [name for name in character_names() if name not in (*BUILTIN_CHARACTERS, *found)]
    assert listed == ["ferris", "clippy", *found, *cast]


def test_without_cowpath_the_list_is_ours_cowsays_directories_then_the_package() -> None:
    listed = ferris("--list-characters").stdout.decode().split("\n")[:-1]
    package = [name for name in character_names() if name not in (*listed[:2], *DIRECTORY_NAMES)]
    assert listed == ["ferris", "clippy", *DIRECTORY_NAMES, *package]


@needs("cowsay")
@settings(max_examples=examples(15), deadline=None)
@given(
    seed=st.text(
        st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
        min_size=1,
        max_size=8,
    )
)
def test_random_is_repeatable_with_a_seed(seed: str) -> None:
    env = {"FERRIS_SAYS_SEED": seed, "COWPATH": str(DEBIAN_COWS)}
    first = ferris("-r", "hi", env=env)
    assert first.returncode == 0
    assert ferris("--random", "hi", env=env).stdout == first.stdout


@needs("cowsay")
def test_random_reaches_every_kind_of_character() -> None:
    env = {"COWPATH": str(DEBIAN_COWS)}
    seen = {
        ferris("-r", "-v", "hi", env={**env, "FERRIS_SAYS_SEED": str(seed)}).stderr
        for seed in range(12)
    }
    assert len(seen) > 3  # not always the same one


def test_random_picks_only_characters_that_can_wear_the_tongue(tmp_path: Path) -> None:
    first, _ = cowpath(tmp_path)
    files = {"bird", *DIRECTORY_NAMES}  # COWPATH's, then cowsay's directories'
    for seed in range(8):
        env = {"COWPATH": str(first), "FERRIS_SAYS_SEED": str(seed)}
        done = ferris("-r", "-v", "-T", "U ", "x", env=env)
        drawn = re.search(r"drawn: (.*), mode none", done.stderr.decode())
        assert done.returncode == 0 and drawn is not None and drawn.group(1) in files, done
    # With no .cow file anywhere (no COWPATH, no cowsay installed), nobody has a tongue.
    code = (
        "import sys\n"
        "from ferris_says import cowpath\n"
        "cowpath.DEFAULT_DIRS = ()\n"
        "from ferris_says.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    with tempfile.TemporaryDirectory(prefix="ferris-looks-") as scratch:
        done = subprocess.run(
            [sys.executable, "-c", code, "-r", "-T", "U ", "x"],
            capture_output=True,
            cwd=scratch,
            env=CLEAN_ENV,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
    assert "no character has a place for a tongue" in one_error_line(done)


# ---- completion -------------------------------------------------------------------------------


def complete(words: str, env: dict[str, str] | None = None) -> list[str]:
    done = subprocess.run(
        [FERRIS],
        capture_output=True,
        cwd=tempfile.gettempdir(),
        env={
            **CLEAN_ENV,
            **(env or {}),
            "_FERRIS_SAYS_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split(" ")) - 1),
        },
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.decode().split()


def test_character_completion_includes_builtin_and_cowpath_names(tmp_path: Path) -> None:
    first, second = cowpath(tmp_path)
    env = {"COWPATH": f"{first}:{second}"}
    names = [item.split(",", 1)[1] for item in complete("ferris-says -c ", env)]
    assert names[:3] == ["ferris", "clippy", "bird"] and "tux" in names
    assert complete("ferris-says --character cl", env) == ["plain,clippy"]
    assert complete("ferris-says -c ./some", env) == ["file,./some"]


def test_mode_completion_offers_the_modes() -> None:
    assert complete("ferris-says --mode ") == [f"plain,{mode}" for mode in looks.MODES]
    assert complete("ferris-says --mode st") == ["plain,stoned"]


# ---- the plain path stays light -----------------------------------------------------------------


def test_plain_words_load_none_of_the_cowsay_parity_modules(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from ferris_says.cli import main\n"
        "main(['what', 'you', 'want'])\n"
        "parity = {'ferris_says.looks', 'ferris_says.cowfile', 'ferris_says.faces', 'typing'}\n"
        "loaded = parity & set(sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, env=CLEAN_ENV, cwd=tmp_path, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()


# ---- --random's seed ---------------------------------------------------------------------------


@settings(max_examples=examples(100), deadline=None)
@given(seed=st.binary(max_size=64).filter(lambda raw: b"\0" not in raw))
def test_any_seed_bytes_pick_a_character_again_and_again(seed: bytes) -> None:
    # The variable holds bytes, UTF-8 or not (a surrogate escape each, as Python reads it).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(environment.SEED, os.fsdecode(seed))
        first = looks.pick_random(looks.Look(random=True))
        assert first == looks.pick_random(looks.Look(random=True))
    try:
        text = seed.decode("utf-8")
    except UnicodeDecodeError:
        return
    # UTF-8 seeds pick what seeding with the text itself picks, as before.
    candidates = [name for name in looks.all_names() if looks.wears(name, looks.Look(random=True))]
    assert first == random.Random(text).choice(candidates)
