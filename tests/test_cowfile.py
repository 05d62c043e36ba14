""".cow files: read as cowsay's Perl reads them, never run, and refused in one line otherwise.

Three kinds of test: random heredoc bodies built from the subset, drawn by ferris-says and by
Debian's Perl cowsay (the same bytes); hostile files that Perl would run, which ferris-says
refuses with FILE:LINE and never runs (the same files under Perl do run: the control test);
and each error path, one line and exit 2 through the command.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.hypothesis_profiles import examples
from support.run_command import FERRIS, command
from support.system_tools import needs
from test_cowsay_oracle import COWSAY, DEBIAN_COWS, ORACLE_ENV, debian_cows

from ferris_says.cowfile import MAX_COW_CHARS, CowFileError, load_cow_file, parse_cow

# ---- random bodies from the subset, against Perl ----------------------------------------------

# Plain text: anything but the three characters Perl treats specially in a heredoc.
plain = st.text(
    st.sampled_from("abcxyzOo0189 ()/_|-^~.,;:'\"!%&*+=<>?[]{}#`"), min_size=1, max_size=8
)
# After a name, a character that ends it for Perl too (no element, package or method).
ends_a_name = st.sampled_from(" )|/\n.,(=")
escape = st.sampled_from(
    ["\\\\", "\\@", "\\$", "\\/", "\\_", "\\ ", "\\(", "\\q", "\\g", "\\\n", "\\n", "\\t", '\\"']
)
variable = st.tuples(
    st.sampled_from(
        ["$thoughts", "$eyes", "$tongue", "$ eyes", "$\n tongue", "$the_cow", "$.", "$ ."]
    ),
    ends_a_name,
).map("".join) | st.sampled_from(["${eyes}", "${thoughts}", "${tongue}"])
empty_array = st.tuples(st.sampled_from(["@9", "@1", "@mmBmm", "@x", "@abc_1"]), ends_a_name).map(
    "".join
)
literal_at = st.sampled_from(["@ ", "@@ ", "@)", "@.", "@\n", "@%", "@["])
body_piece = plain | escape | variable | empty_array | literal_at | st.just("\n")
body = (
    st.lists(body_piece, min_size=1, max_size=25)
    .map(lambda pieces: "".join(pieces) + "\n")
    .filter(lambda text: "EOC" not in text.split("\n"))
)
opening = st.sampled_from(["$the_cow = <<EOC;", '$the_cow = <<"EOC";', "$the_cow = <<EOC"])
face = st.text(st.sampled_from("oO@é€x-"), max_size=3)


def cowsay_cow(path: Path, eyes: str, tongue: str, think: bool = False) -> str:
    program = COWSAY.with_name("cowthink") if think else COWSAY
    done = subprocess.run(
        [str(program), "-f", str(path), "-e", eyes, "-T", tongue, "hi"],
        capture_output=True,
        env=ORACLE_ENV,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode("utf-8").split(" ----\n", 1)[1]


@needs("cowsay")
@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(opening=opening, text=body, eyes=face, tongue=face, think=st.booleans())
def test_random_bodies_draw_as_perl_draws_them(
    tmp_path_factory: pytest.TempPathFactory,
    opening: str,
    text: str,
    eyes: str,
    tongue: str,
    think: bool,
) -> None:
    path = tmp_path_factory.mktemp("cow") / "random.cow"
    path.write_text(f"## a random cow\n{opening}\n{text}EOC\n", encoding="utf-8")
    ours = load_cow_file(str(path)).draw("o" if think else "\\", eyes[:2], tongue[:2])
    assert ours == cowsay_cow(path, eyes, tongue, think)


@needs("cowsay")
@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=body)
def test_single_quoted_heredocs_are_literal_as_in_perl(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = tmp_path_factory.mktemp("cow") / "literal.cow"
    path.write_text(f"$the_cow = <<'EOC';\n{text}EOC\n", encoding="utf-8")
    assert load_cow_file(str(path)).draw("\\", "oo", "  ") == cowsay_cow(path, "oo", "  ")


@needs("cowsay")
def test_three_eyes_chop_and_repeat_follow_perl(tmp_path: Path) -> None:
    # The one Debian file with statements besides $the_cow, over eyes of every length.
    cow = DEBIAN_COWS / "three-eyes.cow"
    for eyes in ["", "a", "ab", "é€"]:
        assert load_cow_file(str(cow)).draw("\\", eyes, "  ") == cowsay_cow(cow, eyes, "  ")


# ---- hostile files: never run ------------------------------------------------------------------

# Statements Perl runs, each creating the file MARKER.
STATEMENTS = [
    'system("touch MARKER");',
    "`touch MARKER`;",
    "qx{touch MARKER};",
    "eval \"system('touch MARKER')\";",
    'open(my $f, ">", "MARKER");',
    'BEGIN { system("touch MARKER") }',
    '$x = system("touch MARKER");',
    "$the_cow = `touch MARKER`;",
    '$eyes = "@{[ system q(touch MARKER) ]}";',
    'do { system "touch MARKER" };',
    'exec("touch", "MARKER");',
    '$tongue = chop(system("touch MARKER"));',
    '$eyes .= ${\\ system("touch MARKER")};',
]
# Interpolations Perl runs inside a heredoc body.
INTERPOLATIONS = [
    '@{[ system "touch MARKER" ]}',
    '${\\ system("touch MARKER")}',
    "${ \\ `touch MARKER` }",
    '$eyes[system("touch MARKER")]',
    "$eyes{`touch MARKER`}",
    '@eyes[system "touch MARKER"]',
    "$eyes->[`touch MARKER`]",
    "@{ [ qx(touch MARKER) ] }",
]


def cow_lines(cow: Path) -> tuple[list[str], int, int]:
    """The file's lines, the index of the `<<` line and of its terminator."""
    lines = cow.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if "<<" in line)
    opening = re.search(r"<<\"?(\w+)", lines[start])
    assert opening is not None
    tag = opening.group(1)
    end = next(i for i in range(start + 1, len(lines)) if lines[i] == tag)
    return lines, start, end


@st.composite
def hostile_file(draw: st.DrawFn, marker: str) -> tuple[str, int]:
    """A Debian cow with one payload in it, and the (1-based) line the payload is on."""
    lines, start, end = cow_lines(draw(st.sampled_from(debian_cows())))
    if draw(st.booleans()):
        payload = draw(st.sampled_from(STATEMENTS))
        # Before the heredoc's line, or after its terminator.
        at = draw(st.sampled_from([*range(0, start + 1), *range(end + 1, len(lines))]))
        lines.insert(at, payload.replace("MARKER", marker))
    else:
        payload = draw(st.sampled_from(INTERPOLATIONS))
        # At the start of a body line, unless the line before ends in `$` or `\` (calvin's
        # `...QM$`), which would join the two lines into something else for Perl too.
        body = [i for i in range(start + 1, end) if not lines[i - 1].endswith(("$", "\\"))]
        at = draw(st.sampled_from(body))
        lines[at] = payload.replace("MARKER", marker) + lines[at]
    return "\n".join(lines), at + 1


@needs("cowsay")
@settings(max_examples=examples(300), deadline=None)
@given(data=st.data())
def test_hostile_files_are_refused_at_their_line_without_running(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    folder = tmp_path_factory.mktemp("hostile")
    marker = folder / "ran"
    source, line = data.draw(hostile_file(str(marker)))
    with pytest.raises(CowFileError) as caught:
        parse_cow(source, "evil.cow")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"evil.cow:{line}: "), (message, line)
    assert not marker.exists()


@needs("cowsay")
@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_command_refuses_hostile_files_in_one_line_exit_2(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    folder = tmp_path_factory.mktemp("hostile")
    marker = folder / "ran"
    source, line = data.draw(hostile_file(str(marker)))
    path = folder / "evil.cow"
    path.write_text(source, encoding="utf-8")
    think = data.draw(st.booleans())
    done = command(
        [FERRIS, *(["--think"] if think else []), "--character", str(path), "hi"],
        cwd=folder,
        input=None,
    )
    assert done.returncode == 2
    assert done.stdout == b""
    assert re.fullmatch(
        rf"ferris-says: error: {re.escape(str(path))}:{line}: [^\n]+\n", done.stderr.decode()
    ), done.stderr
    assert not marker.exists()


@needs("cowsay")
@pytest.mark.parametrize(
    "payload, inside", [(STATEMENTS[0], False), (INTERPOLATIONS[0], True), (STATEMENTS[8], False)]
)
def test_control_perl_does_run_the_payloads(tmp_path: Path, payload: str, inside: bool) -> None:
    # The payloads are live: Perl's cowsay runs them (so the tests above can fail).
    marker = tmp_path / "ran"
    lines, start, _ = cow_lines(DEBIAN_COWS / "default.cow")
    payload = payload.replace("MARKER", str(marker))
    if inside:
        lines[start + 1] = payload + lines[start + 1]
    else:
        lines.insert(start, payload)
    path = tmp_path / "evil.cow"
    path.write_text("\n".join(lines), encoding="utf-8")
    subprocess.run([str(COWSAY), "-f", str(path), "hi"], capture_output=True, env=ORACLE_ENV)
    assert marker.exists()


# ---- each error, one line ---------------------------------------------------------------------

REFUSED = {
    "$version": "$the_cow = <<EOC;\n$version\nEOC\n",
    "digit variable": "$the_cow = <<EOC;\n$1\nEOC\n",
    "hex escape": "$the_cow = <<EOC;\n\\x41\nEOC\n",
    "case escape": "$the_cow = <<EOC;\n\\Uup\nEOC\n",
    "named character": "$the_cow = <<EOC;\n\\N{SNOWMAN}\nEOC\n",
    "@ARGV": "$the_cow = <<EOC;\n@ARGV\nEOC\n",
    "@INC": "$the_cow = <<EOC;\n@INC\nEOC\n",
    "package variable": "$the_cow = <<EOC;\n$eyes::x\nEOC\n",
    "element of @.": "$the_cow = <<EOC;\n$.[0]\nEOC\n",
    "old package separator": "$the_cow = <<EOC;\n$eyes's\nEOC\n",
    "final dollar": "$the_cow = <<EOC;\nmoney $\nEOC\n",
    "no terminator": "$the_cow = <<EOC;\nhi\n",
    "terminator with a space": "$the_cow = <<EOC;\nhi\nEOC \n",
    "no $the_cow": "# nothing here\n",
    "my": "my $x = 1;\n$the_cow = 'x';\n",
    "arithmetic": "$x = 1 + 1;\n$the_cow = 'x';\n",
    "unknown function": "$the_cow = lc('X');\n",
    "indented heredoc": "$the_cow = <<~EOC;\n  hi\n  EOC\n",
    "unterminated string": "$the_cow = 'hi;\n",
    "read before assigned": "$the_cow = $extra;\n",
    "pod": "=pod\n\n=cut\n$the_cow = 'x';\n",
}


@pytest.mark.parametrize("source", REFUSED.values(), ids=REFUSED.keys())
def test_outside_the_subset_is_one_line_naming_file_and_line(source: str) -> None:
    with pytest.raises(CowFileError) as caught:
        parse_cow(source, "odd.cow")
    message = str(caught.value)
    assert re.fullmatch(r"odd\.cow:[0-9]+: [^\n]+", message), message
    assert int(message.split(":")[1]) <= source.count("\n") + 1


def test_the_line_is_the_line_of_the_fault() -> None:
    source = "# one\n# two\n$the_cow = <<EOC;\nfine\nfine $eyes\nbad $version here\nEOC\n"
    with pytest.raises(CowFileError, match=r"^odd\.cow:6: "):
        parse_cow(source, "odd.cow")


def test_values_cannot_grow_without_bound() -> None:
    source = '$a = "xxxxxxxxxx" x 999999999;\n$the_cow = $a;\n'
    with pytest.raises(CowFileError, match=r"^big\.cow:1: .*grows beyond"):
        parse_cow(source, "big.cow").draw("\\", "oo", "  ")
    doubling = "$a = 'xx';\n" + "$a .= $a;\n" * 40 + "$the_cow = $a;\n"
    with pytest.raises(CowFileError, match="grows beyond"):
        parse_cow(doubling, "big.cow").draw("\\", "oo", "  ")


def test_parentheses_nest_boundedly_not_to_the_stack() -> None:
    deep = "$the_cow = " + "(" * 10_000 + "'x'" + ")" * 10_000 + ";\n"
    with pytest.raises(CowFileError, match="nested parentheses"):
        parse_cow(deep, "deep.cow")


@settings(max_examples=examples(60), deadline=None)
@given(
    operators=st.lists(
        st.sampled_from([" x 1", " x 2", " x 0", " . 'y'", "(", ")"]), min_size=1, max_size=40
    ).map("".join),
    repeats=st.integers(0, 3000),
)
def test_chained_repetitions_are_bounded_not_to_the_stack(operators: str, repeats: int) -> None:
    # `"a" x 1 x 1 ...` nests one Repeat in the next, however the chain is mixed with other
    # operators; a long one is the file's error, never Python's RecursionError.
    source = f"$the_cow = 'a'{operators}{' x 1' * repeats};\n"
    try:
        parse_cow(source, "chain.cow").draw("\\", "oo", "  ")
    except CowFileError as error:
        assert re.fullmatch(r"chain\.cow:[0-9]+: [^\n]+", str(error)), str(error)


perlish = st.lists(
    st.sampled_from(list("$@\\{}[]()<>;=.x'\"#`-: \nEOCthe_cow eyes chop 19") + ["EOC", "<<"]),
    max_size=60,
).map("".join)


@settings(max_examples=examples(500), deadline=None)
@given(prefix=st.sampled_from(["", "$the_cow = <<EOC;\n", "$the_cow = "]), text=perlish)
def test_any_text_parses_or_is_one_line_error(prefix: str, text: str) -> None:
    # Never another exception (IndexError, RecursionError, ...), whatever the file holds.
    try:
        cow = parse_cow(prefix + text, "fuzz.cow")
        drawn = cow.draw("\\", "oo", "  ")
    except CowFileError as error:
        assert re.fullmatch(r"fuzz\.cow:[0-9]+: [^\n]+", str(error)), str(error)
    else:
        assert isinstance(drawn, str)


def test_what_the_subset_takes_besides_debians_files() -> None:
    source = (
        "# comments, blank lines, several statements, strings and concatenation\n"
        "\n"
        "$face = '(' . $eyes . ')';  # a trailing comment\n"
        '$the_cow = "  $thoughts\\n" . <<EOC . "$face\\n";\n'
        "   $thoughts \\@home \\$5\n"
        "EOC\n"
    )
    assert parse_cow(source, "ok.cow").draw("o", "^^", "  ") == "  o\n   o @home $5\n(^^)\n"


def test_crlf_lines_do_not_end_a_heredoc_as_perl_would_not() -> None:
    with pytest.raises(CowFileError, match="no line 'EOC'"):
        parse_cow("$the_cow = <<EOC;\r\nhi\r\nEOC\r\n", "dos.cow")


def run_character(path: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return command([FERRIS, "--character", path, "hi"], cwd=cwd, input=None)


def test_unreadable_character_files_are_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "latin1.cow").write_bytes(b"# caf\xe9\n$the_cow = 'x';\n")
    (tmp_path / "big.cow").write_bytes(b"#" * (MAX_COW_CHARS + 10))
    import os

    os.mkfifo(tmp_path / "fifo.cow")
    cases = {
        "./missing.cow": "does not exist",
        "./latin1.cow": "latin1.cow:1: not valid UTF-8",
        "./big.cow": "larger than",
        "./fifo.cow": "not a regular file",  # refused, not waited on
        str(tmp_path): "is a directory",
    }
    for path, expected in cases.items():
        done = run_character(path, tmp_path)
        assert done.returncode == 2, path
        assert done.stdout == b""
        stderr = done.stderr.decode()
        assert stderr.count("\n") == 1 and expected in stderr, stderr


def test_a_name_with_cow_suffix_is_looked_up_not_read_from_here(tmp_path: Path) -> None:
    # As in cowsay, a value without a / is a name: ./here.cow is not read by `-c here.cow`.
    (tmp_path / "here.cow").write_text("$the_cow = 'x';\n", encoding="utf-8")
    done = run_character("here.cow", tmp_path)
    assert done.returncode == 2
    assert "unknown character 'here.cow'" in done.stderr.decode()
    assert run_character("./here.cow", tmp_path).stdout.endswith(b" ----\nx")


@needs("cowsay")
@pytest.mark.parametrize("cow", debian_cows(), ids=lambda path: path.stem)
def test_every_debian_file_parses(cow: Path) -> None:
    assert load_cow_file(str(cow)).draw("\\", "oo", "  ")
