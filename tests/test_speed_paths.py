"""The fast paths give the slow paths' answers: whitespace merging, padding widths by class,
the unwrapped default width, the chunked writer, and stdin without click."""

from __future__ import annotations

import subprocess
import sys
import tempfile

from hypothesis import example, given, settings
from hypothesis import strategies as st
from support.hypothesis_profiles import examples

from ferris_says import cli, str_width, str_width_scan, streams, whitespace
from ferris_says.bubble import merge_whitespace
from ferris_says.command import cli as click_command
from ferris_says.wrap import fill, fill_whole

WHITESPACE = "\t\x0b\x0c \x85\xa0\u1680\u2000\u2005\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_WHITESPACE = "\r\n\x1c\x1d\x1e\x1f\u200b\u180e\ufeff"
spaced_text = st.text(
    alphabet=st.sampled_from(WHITESPACE + NOT_WHITESPACE + "ab世") | st.characters(), max_size=30
)


@given(spaced_text)
@example("a  b")
@example("a\tb")
@example("a\u3000b")
@example("a b")
@example("")
def test_merging_only_when_needed_gives_the_substitution(text: str) -> None:
    expected = whitespace.merge_runs(text)
    assert merge_whitespace(text) == expected
    if expected == text:
        assert merge_whitespace(text) is text  # nothing copied


def test_the_quick_check_knows_every_character_the_merging_takes() -> None:
    # Each code point up to U+3000 (the last White_Space character), alone between two letters:
    # the quick check and the regex agree.
    for code in range(0x3001):
        text = f"a{chr(code)}b"
        assert merge_whitespace(text) == whitespace.merge_runs(text), hex(code)


# Runs longer than the cache keeps (a paragraph of CJK text without spaces is one run), mixed
# with sequences that the state machine must see whole.
PIECES = [
    "世界", "こんにちは", "。", "ｶﾀｶﾅ", "한국어",
    "👍", "👍🏽", "👨\u200d👩\u200d👧", "❤\ufe0f", "1\ufe0f\u20e3",
    "🇯🇵", "🇯", "\u0644\u0627", "\u200d", "\ufe0e", "e\u0301", "\u3099", "a", " ", "2024", "\r",
]  # fmt: skip
long_runs = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)


@settings(max_examples=examples(300), deadline=None)
@given(long_runs)
def test_width_by_class_matches_the_state_machine_on_long_runs(text: str) -> None:
    assert str_width._width_by_class(text) == str_width._whole_string_width(text)
    # Again, now that the corrections are cached.
    assert str_width._width_by_class(text) == str_width._whole_string_width(text)


@settings(max_examples=examples(200), deadline=None)
@given(long_runs, st.integers(min_value=1, max_value=12))
def test_long_texts_measured_in_pieces_add_up(text: str, piece: int) -> None:
    # Cut after a space every few chars instead of every 64K: the sum must not change.
    saved = str_width_scan._PIECE
    str_width_scan._PIECE = piece
    try:
        assert str_width_scan.width_by_class(text) == str_width._whole_string_width(text)
    finally:
        str_width_scan._PIECE = saved


@given(st.lists(st.text(alphabet="가나다라한국어世界ｶ", min_size=1, max_size=5), max_size=40))
def test_runs_of_plain_wide_chars_only(words: list[str]) -> None:
    text = " ".join(words)
    assert str_width_scan.width_by_class(text) == str_width._whole_string_width(text)


@given(st.lists(st.sampled_from(PIECES + ["\n", " \n", "  "]), max_size=30).map("".join))
def test_fill_whole_is_fill_at_any_width_from_the_byte_length(text: str) -> None:
    size = len(text.encode("utf-8"))
    for width in (size, size + 1, size + 40):
        assert fill_whole(text) == fill(text, width)


@given(
    st.lists(st.text(alphabet="ab世\n", max_size=40), max_size=12),
    st.integers(min_value=1, max_value=16),
)
def test_chunks_keep_the_text_and_the_size(pieces: list[str], size: int) -> None:
    chunks = list(streams._chunks(pieces, size))
    assert "".join(chunks) == "".join(pieces)
    assert all(0 < len(chunk) <= size for chunk in chunks)


def run_main(main: str, args: list[str], stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    code = f"import sys\nfrom {main} import {'main' if 'cli' in main else 'cli'} as entry\n"
    if main.endswith("command"):
        code += "sys.exit(entry.main(args=sys.argv[1:], standalone_mode=False))\n"
    else:
        code += "code = entry(sys.argv[1:])\nassert 'click' not in sys.modules\nsys.exit(code)\n"
    # Outside the checkout: in its root, ./fake_temp/ would take the run's messages.
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        input=stdin,
        capture_output=True,
        cwd=tempfile.gettempdir(),
        timeout=60,
    )


@settings(max_examples=examples(8), deadline=None)
@given(st.sampled_from([[], ["-"]]), st.sampled_from([b"", b"hi", b"  a \xe4\xb8\x96\n", b"\xff"]))
def test_stdin_without_click_is_what_click_does(args: list[str], stdin: bytes) -> None:
    direct = run_main("ferris_says.cli", args, stdin)
    through_click = run_main("ferris_says.command", args, stdin)
    assert direct.returncode == through_click.returncode
    assert direct.stdout == through_click.stdout
    assert direct.stderr == through_click.stderr


def test_options_still_go_to_click() -> None:
    assert not cli._plain_words(["--", "-"])
    assert not cli._plain_words(["-", "-"])
    assert not cli._plain_words(["-w", "3"])
    assert cli._plain_words(["-"]) and cli._plain_words([]) and cli._plain_words(["a", "b"])
    assert click_command.name == "ferris-says"
