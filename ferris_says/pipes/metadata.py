"""What the materialization carries: the words capped, the bubble as Markdown, a content hash.

Each text value is capped (`Cap`); the data version hashes the whole text, in chunks, so that
Dagster's staleness follows what Ferris said (the original used the current time, which made
every run look new).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # _sha2 and _sha256 have no stubs; they make the same objects as hashlib's
    from hashlib import sha256
else:
    try:  # CPython's own SHA-256: hashlib loads OpenSSL first, 2 ms of a 40 ms session start
        from _sha2 import sha256  # CPython 3.12 and later
    except ImportError:
        try:
            from _sha256 import sha256  # CPython 3.9 to 3.11
        except ImportError:
            from hashlib import sha256

from ferris_says.bubble import default_width as utf8_length


class Cap(NamedTuple):
    """How much of a text value a message may carry: ``limit`` bytes of its UTF-8, or, when
    ``escaped``, of its JSON form (``\\uXXXX`` escapes and all, as the message line holds it)."""

    limit: int
    escaped: bool = False


#: Cap on each text metadata value (``ferris_said`` and the ``ferris`` Markdown bubble) in a
#: messages file, in UTF-8 bytes. Longer text is cut there with a note.
METADATA_CAP_BYTES = 64 * 1024
FILE_CAP = Cap(METADATA_CAP_BYTES)

#: On stdio the messages travel through a container's log, which cuts a line longer than one
#: log entry (8 KiB under podman, 16 KiB under Docker) into pieces Dagster's log readers cannot
#: parse, and the message is lost. There each value is capped by its JSON form, so that the
#: whole materialization line stays under 8 KiB.
STDIO_CAP = Cap(3 * 1024, escaped=True)

#: Cap on each short text value (the character drawn, its mode, the partition key): a path or
#: a key from Dagster's context can be any length; a label stays a label, cut with its length.
LABEL_FILE_CAP = Cap(4 * 1024)
LABEL_STDIO_CAP = Cap(256, escaped=True)

# Rust's char::is_whitespace (Unicode White_Space), which the original's split_whitespace uses.
_WORD = re.compile("[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")

# Long texts are encoded and hashed this many characters at a time, never copied whole.
CHUNK = 1 << 20

# Characters json.dumps writes as a backslash and one letter.
_SHORT_ESCAPES = frozenset('"\\\b\f\n\r\t')


def count_words(words: str) -> int:
    """Whitespace-separated words, as Rust's ``str::split_whitespace().count()``."""
    return sum(1 for _ in _WORD.finditer(words))


def utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def escaped_size(ch: str) -> int:
    """Bytes of ``ch`` inside a JSON string as json.dumps writes it (ASCII only)."""
    code = ord(ch)
    if code < 0x80:
        if ch in _SHORT_ESCAPES:
            return 2
        return 6 if code < 0x20 else 1
    return 12 if code > 0xFFFF else 6  # a surrogate pair of \uXXXX beyond the BMP


def _escaped_prefix(text: str, limit: int) -> str:
    size = 0
    for index, ch in enumerate(text[:limit]):  # a char takes at least a byte
        size += escaped_size(ch)
        if size > limit:
            return text[:index]
    return text[:limit]


def cap(
    text: str, limit: int = METADATA_CAP_BYTES, escaped: bool = False
) -> tuple[str, int | None, bool]:
    """(text cut to at most ``limit`` bytes on a character boundary, its UTF-8 bytes, cut?).

    Bytes are UTF-8 bytes, or with ``escaped`` bytes of the JSON form. Only the first ``limit``
    characters are measured (they hold at least ``limit`` bytes): the cost stays at the cap,
    not at the size of a huge text.
    """
    if len(text) * (12 if escaped else 4) <= limit:
        return text, None, False
    if escaped:
        shown = _escaped_prefix(text, limit)
        if len(shown) == len(text):
            return text, None, False
        return shown, utf8_length(text), True
    total = utf8_length(text)
    if total <= limit:
        return text, total, False
    return utf8(text[:limit])[:limit].decode("utf-8", "ignore"), total, True


def data_version(words: str, partition: str | None) -> str:
    """sha256 of the words' UTF-8 (prefixed by the partition, length-delimited, if any)."""
    digest = sha256()
    if partition is not None:
        key = utf8(partition)
        digest.update(b"partition:%d:" % len(key) + key + b"\n")
    for i in range(0, len(words), CHUNK):  # the same digest as of the whole, in chunks
        digest.update(utf8(words[i : i + CHUNK]))
    return digest.hexdigest()


def said_text(words: str, limit: Cap = FILE_CAP) -> str:
    """``ferris_said``: the words, capped, with a note saying so when they were cut."""
    said, total, cut = cap(words, *limit)
    if cut:
        said += (
            f"\n… [truncated: the first {len(utf8(said))} of {total} bytes are shown;"
            f" metadata is capped at {_shown(limit)}, the data version covers the whole text]"
        )
    return said


def capped(text: str, limit: Cap) -> str:
    """``text`` within ``limit``, or cut to it with ``… [cut: N bytes]`` (N: its UTF-8 bytes),
    the note included in the limit."""
    if not cap(text, *limit)[2]:
        return text
    note = f"… [cut: {utf8_length(text)} bytes]"
    room = limit.limit - (sum(map(escaped_size, note)) if limit.escaped else len(utf8(note)))
    return cap(text, max(room, 0), limit.escaped)[0] + note


def label_text(text: str, values: Cap = FILE_CAP) -> str:
    """A short text value for messages whose long values are capped at ``values``: cut at
    LABEL_FILE_CAP (LABEL_STDIO_CAP on stdio), saying how long it was."""
    return capped(text, LABEL_STDIO_CAP if values.escaped else LABEL_FILE_CAP)


def _shown(limit: Cap) -> str:
    size = f"{limit.limit // 1024} KiB"
    return f"{size} of JSON on stdio" if limit.escaped else size


class PictureCopy:
    """The start of the picture, as it streams by: what ``limit`` lets a message carry, and the
    picture's whole size. The picture can be far larger than its words; it is never held whole."""

    def __init__(self, limit: Cap = FILE_CAP):
        self.limit = limit
        self.total_bytes = 0
        self._head: list[str] = []
        self._head_chars = 0
        self._more = False  # characters beyond the head were seen

    def add(self, piece: str) -> None:
        self.total_bytes += utf8_length(piece)
        room = self.limit.limit - self._head_chars  # a char is at least a byte: chars bound bytes
        if room > 0:
            self._head.append(piece[:room])
            self._head_chars += min(len(piece), room)
        self._more = self._more or len(piece) > room

    def shown(self) -> tuple[str, bool]:
        """The longest start of the picture within the cap, and whether the picture was cut."""
        shown, _, cut = cap("".join(self._head), *self.limit)
        return shown, cut or self._more


def bubble_markdown(picture: PictureCopy) -> str:
    """``ferris``: the picture in a code fence longer than any backtick run inside it; a cut
    picture ends at its last whole line, with a note."""
    shown, cut = picture.shown()
    if cut:
        newline = shown.rfind("\n")
        shown = shown[: newline + 1] if newline > 0 else shown
    longest = max((len(m) for m in re.findall("`+", shown)), default=0)
    fence = "`" * max(3, longest + 1)
    body = shown if shown.endswith("\n") else shown + "\n"
    md = f"{fence}text\n{body}{fence}\n"
    if cut:
        md += (
            f"\n*Bubble truncated: the first {len(utf8(shown))} of {picture.total_bytes} bytes"
            f" are shown (metadata is capped at {_shown(picture.limit)}).*\n"
        )
    return md
