"""ferris-says' common options read without click (`quick_options`): the same Request as click's.

The table is what `tools/generate_option_table.py` writes from the click command today; every
command line hypothesis makes from the table's options, values good and bad, bundles, `=`, `--`
and words, is either read by both into the same Request (or the same usage error), or left to
click. Then the commands themselves: the quick path prints what the click path prints, and does
not load click.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import click
import generate_option_table
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.hypothesis_profiles import examples
from support.run_command import CLEAN_ENV

from ferris_says import _option_table, quick_options
from ferris_says.command import COMMANDS
from ferris_says.errors import FerrisUsageError
from ferris_says.request import Request
from ferris_says.streams import PROG, THINKS

TABLE = Path(_option_table.__file__)


def test_the_table_is_what_the_click_command_makes_today() -> None:
    assert generate_option_table.generate() == TABLE.read_text(encoding="utf-8")


def test_every_option_of_the_click_command_is_in_the_table_or_left_to_click() -> None:
    for name, command in COMMANDS.items():
        ctx = click.Context(command, info_name=name, **command.context_settings)
        for param in command.get_params(ctx):
            if not isinstance(param, click.Option):
                continue
            for option in (*param.opts, *param.secondary_opts):
                read_here = option in _option_table.OPTIONS
                assert read_here != param.is_eager, (name, option)  # --help, -V, --list-...
                assert option not in _option_table.NOT_IN.get(name, ())


def click_request(program: str, args: list[str]) -> Request | str:
    """What the click path makes of `args`: a Request, or the line of its usage error."""
    command = COMMANDS[program]
    try:
        with command.make_context(program, list(args)) as ctx:
            values = dict(ctx.params)
    except click.UsageError as error:
        return f"click: {error.format_message()}"
    try:
        return quick_options.request_from_options(values, program == THINKS)
    except FerrisUsageError as error:
        return str(error)


#: Values to give an option of each kind; a choice gets its choices, a wrong one, one in capitals.
VALUES = {
    "value": ["x", "", "-b", "tux", "./my.cow", "é", "--", "=x"],
    "width": ["0", "7", "40", "18446744073709551615", "18446744073709551616", "-1", "x", "",
              "+3", " 4", "٣", "0" * 5000 + "7", "9" * 5000],
}  # fmt: skip


def option_and_value(name: str) -> st.SearchStrategy[list[str]]:
    _dest, kind, choices = _option_table.OPTIONS[name]
    if kind == "flag":
        return st.just([name]) | st.just([f"{name}=x"])
    values = VALUES[kind] if kind in VALUES else [*choices, "nope", choices[0].upper()]
    joined = "=" if name.startswith("--") else ""
    return st.sampled_from(values).flatmap(
        lambda text: st.sampled_from([[name, text], [f"{name}{joined}{text}"] if text else [name]])
    )


token = st.one_of(
    st.sampled_from(sorted(_option_table.OPTIONS)).flatmap(option_and_value),
    st.sampled_from(
        [
            ["--"],
            ["-"],
            ["word"],
            ["two words"],
            ["-bd"],
            ["-bdc", "tux"],
            ["-cbd"],
            ["-x"],
            ["--nope"],
            ["-h"],
            ["--list-characters"],
            ["-V"],
            ["--think"],
            ["-rd"],
            ["--mode=dead", "-s"],
        ]
    ),
)


@settings(max_examples=examples(400), deadline=None)
@given(tokens=st.lists(token, max_size=6), program=st.sampled_from([PROG, THINKS]))
def test_what_both_read_they_read_alike(tokens: list[list[str]], program: str) -> None:
    args = [arg for group in tokens for arg in group]
    values = quick_options.parse(args, program)
    if values is quick_options.TO_CLICK:
        return  # click reads it, or says what is wrong
    try:
        quick: Request | str = quick_options.request_from_options(values, program == THINKS)
    except FerrisUsageError as error:
        quick = str(error)
    assert quick == click_request(program, args), args


def test_the_quick_path_takes_the_common_options() -> None:
    # What the speed goal measures, and the usual cowsay habits, are never left to click.
    for args in (
        ["-c", "tux", "--color", "never", "hello there"],
        ["-w", "20", "-e", "^^", "-T", "U", "--think", "x"],
        ["-bd", "--", "-not-an-option"],
        ["--bubble=cowsay", "--rainbow", "--bold", "-c./my.cow", "hi"],
    ):
        assert quick_options.parse(args, PROG) is not quick_options.TO_CLICK, args


def run_entry(
    program: str, args: list[str], through_click: bool
) -> subprocess.CompletedProcess[bytes]:
    """The command in a fresh interpreter, by its entry point or straight through click."""
    if through_click:
        code = (
            "import sys\n"
            "from ferris_says import streams\n"
            "from ferris_says.command import COMMANDS\n"
            f"streams.set_program({program!r})\n"
            f"sys.exit(COMMANDS[{program!r}].main(args=sys.argv[1:], standalone_mode=False))\n"
        )
    else:
        entry = "think_main" if program == THINKS else "main"
        code = (
            "import sys\n"
            f"from ferris_says.cli import {entry} as entry\n"
            "code = entry(sys.argv[1:])\n"
            "assert 'click' not in sys.modules, 'click was loaded'\n"
            "sys.exit(code)\n"
        )
    return fresh_interpreter(code, args)


def fresh_interpreter(code: str, args: list[str]) -> subprocess.CompletedProcess[bytes]:
    """`python -c code args` in a scratch directory that holds a .cow file of its own (a name
    would be the cowsay package's picture where no cowsay is installed)."""
    with tempfile.TemporaryDirectory(prefix="ferris-quick-") as scratch:
        (Path(scratch) / "fish.cow").write_text('$the_cow = "<$eyes>";\n', encoding="utf-8")
        return subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            cwd=scratch,
            env=CLEAN_ENV,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )


@pytest.mark.parametrize(
    "args",
    [
        ["-c", "tux", "--color", "never", "hello there"],
        ["-c", "clippy", "-w", "9", "-e", "^^", "-t", "wrap me please"],
        ["--bubble", "cowsay", "-c", "default", "-d", "a cow's words at forty columns, as cowsay"],
        ["--rainbow", "--bold", "-c", "cow", "hi"],
        ["-b", "-d", "two modes"],
        ["-c", "nobody", "hi"],
        ["--bubble", "cowsay", "-w", "1", "x"],
    ],
)
@pytest.mark.parametrize("program", [PROG, THINKS])
def test_the_quick_path_prints_what_click_prints(args: list[str], program: str) -> None:
    quick = run_entry(program, args, through_click=False)
    slow = run_entry(program, args, through_click=True)
    assert (quick.returncode, quick.stdout, quick.stderr) == (
        slow.returncode,
        slow.stdout,
        slow.stderr,
    )


# ---- what each path loads ---------------------------------------------------------------------

HEAVY = {"click", "rich", "typing", "dataclasses", "random", "cowsay", "inspect"}


def loaded_by(entry: str, args: list[str]) -> set[str]:
    """The modules a fresh interpreter holds after running `entry` with `args`."""
    module, function = entry.split(":")
    code = (
        "import sys\n"
        f"from {module} import {function} as entry\n"
        "code = entry(sys.argv[1:])\n"
        "print(' '.join(sorted(sys.modules)))\n"
        "sys.exit(code)\n"
    )
    done = fresh_interpreter(code, args)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.decode().split("\n")[-2].split())


def test_each_path_loads_only_what_it_draws_with() -> None:
    plain = loaded_by("ferris_says.cli:main", ["hello", "there"])
    assert not (HEAVY | {"ferris_says.quick_options", "ferris_says.looks"}) & plain
    quick = loaded_by("ferris_says.cli:main", ["-c", "./fish.cow", "--color", "never", "hi there"])
    assert not HEAVY & quick and "ferris_says.quick_options" in quick
    drop_in = loaded_by("ferris_says.cowsay_cli:main", ["-f", "./fish.cow", "hello", "there"])
    crates = {"ferris_says.bubble", "ferris_says.wrap", "ferris_says.looks", "ferris_says.speak"}
    assert not (HEAVY | crates) & drop_in
