"""Display widths against values the Rust crates gave.

Every literal below was printed by the Rust crates themselves (unicode-width 0.1.14's
`UnicodeWidthStr::width` for `padding_width`; the sum of unicode-width 0.2.1's
`UnicodeWidthChar::width(c).unwrap_or(0)` for `text_width`), so this file needs no Rust.
The exhaustive differential run (every code point, and over a million random strings) needs
the reference oracle; `test_against_oracle` runs a smaller one when FERRIS_SAYS_ORACLE (default
/work/ref/oracle) exists, and is skipped otherwise.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from bisect import bisect_right

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.hypothesis_profiles import examples
from support.system_tools import elsewhere

from ferris_says import _width_tables, str_width, str_width_states
from ferris_says import char_width as char_width_module
from ferris_says.char_width import char_width, text_width
from ferris_says.str_width import padding_width

# (text, padding_width = 0.1.14 str width, text_width = 0.2.1 char-width sum)
CASES = [
    # ASCII; controls are 1 in a str and 0 per char; LF is 0, and CR only before LF.
    ("", 0, 0),
    ("hello world", 11, 11),
    ("Hello, World!", 13, 13),
    ("a\tb", 3, 2),
    ("\x00", 1, 0),
    ("\x1b[31m", 5, 4),
    ("a\x7fb", 3, 2),
    ("\x85", 1, 0),
    ("\x9f", 1, 0),
    ("line\n", 4, 4),
    ("\n", 0, 0),
    ("\r", 1, 0),
    ("\r\n", 0, 0),
    ("a\r\nb", 2, 2),
    ("\r\r\n", 1, 0),
    ("\n\r", 1, 0),
    # Latin-1, soft hyphen, combining marks
    ("\u00a0", 1, 1),
    ("\u00ad", 0, 0),
    ("soft\u00adhyphen", 10, 10),
    ("caf\u00e9", 4, 4),
    ("cafe\u0301", 4, 4),
    ("\u0301", 0, 0),
    # CJK, fullwidth, ideographic space, Hangul syllables and jamo
    ("\u65e5\u672c\u8a9e", 6, 6),
    ("\u3053\u3093\u306b\u3061\u306f", 10, 10),
    ("\uff28\uff45\uff4c\uff4c\uff4f", 10, 10),
    ("\u3000", 2, 2),
    ("\ud55c\uad6d\uc5b4", 6, 6),
    ("\u1100\u1161\u11a8", 2, 2),
    ("\u1100", 2, 2),
    ("\u1161", 0, 0),
    ("\u115f", 2, 2),
    # Emoji, presentation selectors (VS16 widens, VS15 narrows), keycaps
    ("\U0001f600", 2, 2),
    ("\U0001f980", 2, 2),
    ("\u2764", 1, 1),
    ("\u2764\ufe0f", 2, 1),
    ("\u263a\ufe0f", 2, 1),
    ("\u2702\ufe0f", 2, 1),
    ("\u00a9\ufe0f", 2, 1),
    ("\u231a", 2, 2),
    ("\u231a\ufe0e", 1, 2),
    ("#\ufe0f\u20e3", 2, 1),
    ("1\ufe0f\u20e3", 2, 1),
    ("1\u20e3", 1, 1),
    ("\ufe0f", 0, 0),
    # ZWJ sequences, skin tones, flags, tag sequences
    ("\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466", 2, 8),
    ("\U0001f468\u200d\U0001f9b0", 2, 4),
    ("\U0001f9d1\u200d\U0001f91d\u200d\U0001f9d1", 2, 6),
    ("\U0001f3f3\ufe0f\u200d\U0001f308", 2, 3),
    ("\U0001f44d\U0001f3fd", 2, 4),
    ("\U0001f3fd", 2, 2),
    ("a\U0001f3fd", 3, 3),
    ("\U0001f1ef\U0001f1f5", 2, 2),
    ("\U0001f1ef", 1, 1),
    ("\U0001f1ef\U0001f1f5\U0001f1fa", 3, 3),
    ("\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", 2, 2),
    # Script ligatures: Arabic lam-alef (also across a harakat), Hebrew, Khmer coeng, Lisu,
    # Tifinagh
    ("\u0644\u0627", 1, 2),
    ("\u0644\u064e\u0627", 1, 2),
    ("\u0627\u0644\u0639\u0631\u0628\u064a\u0629", 7, 7),
    ("\u05d0\u200d\u05dc", 1, 2),
    ("\u1780\u17d2\u1780", 1, 2),
    ("\ua4f9\ua4fc", 1, 2),
    ("\u2d4f\u2d7f\u2d3e", 1, 3),
    ("\u2d4f\u200d\u2d3e", 1, 2),
    ("\u1a15\u1a17\u200d\u1a10", 1, 2),
    ("\U00010c32\u200d\U00010c03", 1, 2),
    ("\u05d0\u200d\ufe0f\u05dc", 1, 2),  # a variation selector does not break the ligature
    ("\u0644\u200d\u0627", 2, 2),  # but a ZWJ breaks lam-alef (it is not Joining_Type=T)
    ("\u0627\u0644", 2, 2),
    ("\u0644\u0627\u0644\u0627", 2, 4),
    # Sequence rules that only apply inside emoji ZWJ sequences
    (
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f\u200d\U0001f600",
        2,
        4,
    ),
    ("\U0001f1ef\u200d\U0001f1ef\U0001f1f5", 3, 3),
    ("\U0001f600\u200d\U0001f1ef\U0001f1f5\U0001f1fa", 3, 5),
    ("\U0001f468\u200d\u2764\ufe0f\u200d\U0001f468", 2, 5),
    ("\U0001f600\u200d1\ufe0f\u20e3", 2, 3),
    ("1\u200d\U0001f600", 3, 3),
    ("\ufe0f\U0001f600", 2, 2),
    ("\u2764\ufe0e", 1, 1),
    ("\u00e9\ufe0f", 1, 1),
    ("a\u0301\u0302", 1, 1),
    # Zero-width and special characters
    ("\u200b", 0, 0),
    ("\u200d", 0, 0),
    ("\ufeff", 0, 0),
    ("\u17d8", 3, 3),
    ("<\u0338", 1, 1),
]

# char_width (0.2.1) of single characters where the two crate versions disagree, and a few more.
CHAR_CASES = [
    ("a", 1),
    ("\x00", 0),
    ("\x7f", 0),
    ("\x9b", 0),
    ("\u00ad", 0),
    ("\u0301", 0),
    ("\u4e00", 2),
    ("\U0001f980", 2),
    ("\u200d", 0),
    ("\u17d8", 3),
    ("\u4dc0", 2),  # I Ching hexagram: 1 in 0.1.14, wide since Unicode 16
    ("\u2630", 2),  # trigram: likewise
    ("\U0001d360", 2),  # counting rod: likewise
    ("\u1b44", 0),  # Balinese adeg adeg: 1 in 0.1.14, a combining mark in 0.2.1
    ("\U00016ff0", 0),  # Vietnamese reading mark: 2 in 0.1.14
    ("\U0001171e", 1),  # Ahom medial ra: 0 in 0.1.14
    ("\U0001fa89", 2),  # new in Unicode 16 (harp): 1 in 0.1.14, unassigned there
]

# padding_width (0.1.14) of the same characters: where the versions disagree.
PADDING_OF_CHAR_CASES = [
    ("\u4dc0", 1),
    ("\u2630", 1),
    ("\U0001d360", 1),
    ("\u1b44", 1),
    ("\U00016ff0", 2),
    ("\U0001171e", 0),
    ("\U0001fa89", 1),
]


@pytest.mark.parametrize("text, padding, chars", CASES, ids=[ascii(c[0]) for c in CASES])
def test_padding_width_and_text_width(text: str, padding: int, chars: int) -> None:
    assert padding_width(text) == padding
    # Both ways padding_width has of measuring non-ASCII text.
    if not text.isascii():
        assert str_width._whole_string_width(text) == padding
        assert str_width._width_by_class(text) == padding
    assert text_width(text) == chars
    assert sum(char_width(c) for c in text) == chars
    # Same answers with the text inside longer lines (the inert-run splitting at work).
    assert padding_width(f"x {text} y") == padding + 4
    assert str_width._width_by_class(f"x {text} y") == padding + 4
    assert text_width(f"x {text} y") == chars + 4


@pytest.mark.parametrize("ch, expected", CHAR_CASES, ids=[ascii(c[0]) for c in CHAR_CASES])
def test_char_width(ch: str, expected: int) -> None:
    assert char_width(ch) == expected


@pytest.mark.parametrize(
    "ch, expected", PADDING_OF_CHAR_CASES, ids=[ascii(c[0]) for c in PADDING_OF_CHAR_CASES]
)
def test_padding_width_uses_the_older_unicode(ch: str, expected: int) -> None:
    assert padding_width(ch) == expected


def test_lone_surrogates_count_like_the_replacement_character() -> None:
    assert char_width("\udcff") == 1
    assert text_width("a\udcffb") == 3
    assert padding_width("a\udcffb") == 3


def test_table_provenance() -> None:
    assert _width_tables.CHAR_UNICODE_VERSION == "16.0.0"
    assert _width_tables.STR_UNICODE_VERSION == "15.1.0"
    for starts, values in (
        (_width_tables.CHAR_WIDTH_STARTS, _width_tables.CHAR_WIDTH_VALUES),
        (_width_tables.STR_STARTS, _width_tables.STR_KINDS),
    ):
        assert starts[0] == 0
        assert list(starts) == sorted(set(starts))
        assert starts[-1] <= 0x10FFFF
        assert len(starts) == len(values)
    assert max(_width_tables.STR_KINDS) < len(_width_tables.STR_PROPS)


def test_ascii_never_loads_the_tables() -> None:
    code = (
        "import sys\n"
        "from ferris_says.char_width import char_width, text_width\n"
        "from ferris_says.str_width import padding_width\n"
        "assert text_width('hello, world') == 12 and text_width('a\\x00b') == 2\n"
        "assert char_width('a') == 1 and char_width('\\x1b') == 0\n"
        "assert padding_width('a\\r\\nb\\x00') == 3\n"
        "assert 'ferris_says._width_tables' not in sys.modules\n"
        "assert text_width('\\u65e5') == 2\n"
        "assert 'ferris_says._width_tables' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# Any text, with sequence-prone characters made frequent.
SEQUENCE_PRONE = (
    "\u200d\ufe0f\ufe0e\u20e3\n\r #1a\u0644\u0627\u064e\u05d0\u05dc\u1780\u17d2\u2d4f\u2d7f"
    "\ua4f9\ua4fc\U0001f1ef\U0001f1f5\U0001f3fb\U0001f44d\U0001f468\U0001f3f4\U000e0067\U000e007f"
    "\u2764\u231a\u4e00\x00\x85"
)
texts = st.text(
    alphabet=st.one_of(st.sampled_from(SEQUENCE_PRONE), st.characters()),
    max_size=24,
)


@given(texts)
def test_text_width_is_the_char_sum(s: str) -> None:
    assert text_width(s) == sum(char_width(c) for c in s)


@given(texts)
def test_class_counting_matches_the_whole_string_state_machine(s: str) -> None:
    assert str_width._width_by_class(s) == str_width._whole_string_width(s)
    assert padding_width(s) == str_width._whole_string_width(s)


@given(texts, texts)
def test_a_space_separates_sequences(a: str, b: str) -> None:
    # A space neither joins a sequence nor lets one pass through it, in the crate as here.
    assert padding_width(f"{a} {b}") == padding_width(a) + 1 + padding_width(b)


@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=40))
def test_ascii(s: str) -> None:
    assert padding_width(s) == len(s) - s.count("\n") - s.count("\r\n")
    assert text_width(s) == sum(" " <= c < "\x7f" for c in s)


@settings(max_examples=examples(50))
@given(texts)
def test_bounded_caches_give_the_same_answers(s: str) -> None:
    expected = (padding_width(s), text_width(s))
    limits = char_width_module._CACHE_LIMIT, str_width_states.CACHE_LIMIT
    char_width_module._CACHE_LIMIT = str_width_states.CACHE_LIMIT = 4
    try:
        assert (padding_width(s + "\u4e00\u4e01\u4e02\u4e03\u4e04"), text_width(s)) == (
            expected[0] + 10,
            expected[1],
        )
    finally:
        char_width_module._CACHE_LIMIT, str_width_states.CACHE_LIMIT = limits


def test_char_table_lookup_agrees_with_the_cache() -> None:
    # The cache is filled from the tables; spot-check the run-length decoding at run edges.
    starts, values = _width_tables.CHAR_WIDTH_STARTS, _width_tables.CHAR_WIDTH_VALUES
    for i in range(0, len(starts), 7):
        for cp in (starts[i], starts[i + 1] - 1 if i + 1 < len(starts) else 0x10FFFF):
            if 0xD800 <= cp < 0xE000:
                continue
            assert char_width(chr(cp)) == values[bisect_right(starts, cp) - 1]


ORACLE = os.environ.get("FERRIS_SAYS_ORACLE", "/work/ref/oracle")


@elsewhere(ORACLE, "the Rust reference oracle")
def test_against_oracle() -> None:
    rng = random.Random(2024)
    pool = SEQUENCE_PRONE + "".join(text for text, _, _ in CASES)
    samples = [text for text, _, _ in CASES]
    for _ in range(20000):
        samples.append(
            "".join(
                rng.choice(pool)
                if rng.random() < 0.8
                else chr(rng.choice((rng.randrange(0xD800), rng.randrange(0xE000, 0x110000))))
                for _ in range(rng.randint(1, 10))
            )
        )
    lines = "".join(json.dumps({"text": s}) + "\n" for s in samples)
    out = subprocess.run(
        [ORACLE, "strwidth"], input=lines.encode(), capture_output=True, check=True
    ).stdout
    results = [json.loads(line) for line in out.decode().splitlines()]
    assert len(results) == len(samples)
    wrong = [
        (s, padding_width(s), r["w1"], text_width(s), r["w2_charsum"])
        for s, r in zip(samples, results)
        if (padding_width(s), text_width(s)) != (r["w1"], r["w2_charsum"])
    ]
    assert wrong == []
