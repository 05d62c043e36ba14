"""What an error quotes (`ferris_says.errors.shown`): whatever the value, one printable line within
its limit that reads back as the value when it was not cut; as a function, and through every
option that quotes its argument."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from hypothesis import given
from hypothesis import strategies as st
from support.hostile_text import hostile_text

from ferris_says.errors import shown

if TYPE_CHECKING:
    pass
from pathlib import Path

import pytest
from support.hypothesis_runs import process_runs
from support.run_command import (
    error_line,
    run,
)


def surrogate_escapes_as_bytes(text: str) -> str:
    """What `shown` writes for a surrogate escape: the byte it stands for, \\xNN."""
    return "".join(chr(ord(ch) - 0xDC00) if "\udc80" <= ch <= "\udcff" else ch for ch in text)


RUNS = process_runs(25)



@given(text=hostile_text, limit=st.integers(min_value=40, max_value=5000), quote=st.booleans())
def test_shown_is_one_printable_line_within_its_limit(text: str, limit: int, quote: bool) -> None:
    out = shown(text, limit, quote=quote)
    data = out.encode("utf-8")  # no surrogate is left: it would raise here
    assert len(data) <= limit
    assert out.isprintable()
    if quote and not out.endswith(" characters)"):  # whole: it reads back as the value
        assert ast.literal_eval(out) == surrogate_escapes_as_bytes(text)
    if out.endswith(" characters)"):
        assert f"... ({len(text)} characters)" in out


@RUNS
@given(value=st.text(min_size=1, max_size=5000))
def test_every_error_quoting_an_argument_is_one_escaped_bounded_line(
    tmp_path_factory: pytest.TempPathFactory, value: str
) -> None:
    cwd = tmp_path_factory.mktemp("arg")
    value = value.replace("\0", "")
    if not value:
        return
    cases = [
        (["--files", value], 1),
        (["--character", value, "hi"], 2),
        (["--width", value, "hi"], 2),
        ([f"--{value}", "hi"], 2),
    ]
    for args, _code in cases:
        if args[0] == "--files" and Path(cwd, value).is_file():
            continue
        if args[0] == "--width" and value.strip().isdigit():
            continue
        done = run(args, cwd, timeout=30)
        if done.returncode == 0:
            continue  # e.g. a real character's name, an option that exists
        assert done.returncode in (1, 2), done.stderr
        error_line(done.stderr)
