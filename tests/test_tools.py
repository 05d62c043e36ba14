"""The generators in tools/ still write, byte for byte, the tables the package ships.

Their real inputs are dumps of the Rust crates (kept out of the repository) and Debian's
LineBreak.txt. These tests feed each generator what those inputs say, rebuilt from the committed
tables (and the real LineBreak.txt), and compare its whole output with the committed module: a
generator that drifted from the format, or a table edited by hand, fails here.

The whole-table comparisons of the width and cowsay generators go through every code point,
1.1 million of them, seconds each: they are marked slow (`make test-slow`); `make test` runs the
wrap generator's and the generators' own checks.
"""

from __future__ import annotations

import re
from pathlib import Path

import generate_cowsay_tables
import generate_width_tables
import generate_wrap_tables
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import system_tools
from support.system_tools import needs

from ferris_says import _cowsay_tables, _width_tables, _wrap_tables
from ferris_says.perl_text import PERL_SPACE, is_space

LINEBREAK_TXT = Path(system_tools.LINEBREAK_TXT)
SURROGATES = range(0xD800, 0xE000)
HEADER = re.compile(r"Source: a dump of the Rust crates themselves \((.*)\)\.\n")


def committed(module: object) -> str:
    return Path(str(getattr(module, "__file__", ""))).read_text(encoding="utf-8")


def expand(starts: tuple[int, ...], values: bytes) -> bytes:
    """A run-length table back to one value per code point."""
    ends = (*starts[1:], 0x110000)
    return b"".join(
        bytes([value]) * (end - start) for start, end, value in zip(starts, ends, values)
    )


def write_width_dump(path: Path, changed: dict[int, int] | None = None) -> None:
    """The crates' dump as the committed tables describe it; `changed` overrides 0.2.1 widths."""
    tables = _width_tables
    match = HEADER.search(committed(tables))
    assert match, "the committed table names its source"
    widths = bytearray(expand(tables.CHAR_WIDTH_STARTS, tables.CHAR_WIDTH_VALUES))
    for code_point, width in (changed or {}).items():
        widths[code_point] = width
    kinds = expand(tables.STR_STARTS, tables.STR_KINDS)
    props = [  # lookup_width, info and the five flag columns of each STR_PROPS record
        f"{width}\t{info:04X}\t"
        + "\t".join("1" if flags & bit else "0" for bit in generate_width_tables.FLAG_COLUMNS)
        for width, info, flags in tables.STR_PROPS
    ]
    lines = [f"# {match.group(1)}\n"]
    lines += [
        f"{cp:04X}\t{widths[cp]}\t{widths[cp]}\t{props[kinds[cp]]}\n"
        for cp in range(0x110000)
        if cp not in SURROGATES
    ]
    path.write_text("".join(lines), encoding="utf-8")


def write_alphanumeric_runs(path: Path) -> None:
    starts, flags = _wrap_tables.ALPHANUMERIC_STARTS, _wrap_tables.ALPHANUMERIC_FLAGS
    path.write_text(
        "".join(f"{start:x}\t{flag}\n" for start, flag in zip(starts, flags)), encoding="ascii"
    )


@pytest.mark.slow
def test_width_generator_writes_the_committed_module(tmp_path: Path) -> None:
    dump = tmp_path / "width_dump.tsv"
    write_width_dump(dump)
    assert generate_width_tables.generate(str(dump)) == committed(_width_tables)


@pytest.mark.slow
def test_width_generator_follows_its_dump(tmp_path: Path) -> None:
    # The comparison above can fail: one width changed in the dump changes the module.
    dump = tmp_path / "width_dump.tsv"
    write_width_dump(dump, {0x3000: 1})  # IDEOGRAPHIC SPACE is 2 columns
    assert generate_width_tables.generate(str(dump)) != committed(_width_tables)


@given(st.lists(st.integers(0, 3), max_size=60))
def test_runs_expand_back_to_their_values(values: list[int]) -> None:
    for runs in (generate_width_tables.runs, generate_wrap_tables.runs):
        starts, kinds = runs(bytes(values))
        assert starts == sorted(set(starts)) and (not values or starts[0] == 0)
        assert all(a != b for a, b in zip(kinds, kinds[1:]))  # maximal runs
        ends = [*starts[1:], len(values)]
        assert [k for s, e, k in zip(starts, ends, kinds) for _ in range(e - s)] == values


def test_width_generator_refuses_a_dump_with_missing_code_points(tmp_path: Path) -> None:
    dump = tmp_path / "width_dump.tsv"
    dump.write_text("# unicode-width\n0041\t1\t1\t1\t0000\t0\t0\t0\t0\t0\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="code points missing"):
        generate_width_tables.generate(str(dump))


@needs("linebreak")
def test_wrap_generator_writes_the_committed_module(tmp_path: Path) -> None:
    alnum = tmp_path / "alnum_runs.tsv"
    write_alphanumeric_runs(alnum)
    assert generate_wrap_tables.render(str(LINEBREAK_TXT), str(alnum)) == committed(_wrap_tables)


# ---- the drop-in's table, asked of Perl ---------------------------------------------------------

COWSAY_SOURCE = re.compile(r"Source: (perl .*),\nasked under LC_ALL=C.UTF-8\.\n")


def cowsay_dump(changed: dict[int, int] | None = None) -> list[str]:
    """What Perl's dump says, as the committed table describes it; `changed` overrides kinds."""
    match = COWSAY_SOURCE.search(committed(_cowsay_tables))
    assert match, "the committed table names its source"
    kinds = bytearray(expand(_cowsay_tables.STARTS, _cowsay_tables.KINDS))
    for code_point, kind in (changed or {}).items():
        kinds[code_point] = kind
    lines = [f"# {match.group(1)}"]
    for cp in range(0x110000):
        if cp in SURROGATES:
            continue
        kind = kinds[cp]
        flags = [int(bool(kind & bit)) for bit in (4, 8, 16)]
        lines.append(f"{cp:x}\t{(kind & 3) - 1}\t{flags[0]}\t{flags[1]}\t{flags[2]}")
    return lines


@pytest.mark.slow
def test_cowsay_generator_writes_the_committed_module() -> None:
    assert generate_cowsay_tables.generate(cowsay_dump()) == committed(_cowsay_tables)
    # One character's width told otherwise changes the module: the comparison can fail.
    assert generate_cowsay_tables.generate(cowsay_dump({0x3042: 1})) != committed(_cowsay_tables)


@pytest.mark.slow
@needs("cowsay")  # Perl's Text::CharWidth, which Debian's cowsay depends on
def test_the_cowsay_table_is_what_perl_says_today() -> None:
    # Perl and Text::CharWidth come with Debian's cowsay (`make test` installs it).
    lines = generate_cowsay_tables.perl_dump()
    assert generate_cowsay_tables.generate(lines) == committed(_cowsay_tables)


def test_perl_space_is_the_tables_space() -> None:
    kinds = expand(_cowsay_tables.STARTS, _cowsay_tables.KINDS)
    spaces = {chr(cp) for cp, kind in enumerate(kinds) if kind & 8 and cp not in SURROGATES}
    assert spaces == set(re.findall(f"[{PERL_SPACE}]", "".join(map(chr, range(0x3001)))))
    assert all(is_space(char) for char in spaces)
