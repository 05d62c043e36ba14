"""What the materialization carries: the words capped, the bubble as Markdown, a content hash.

Text metadata is capped at ``METADATA_CAP_BYTES`` UTF-8 bytes each; the data version hashes the
whole text, in chunks, so that Dagster's staleness follows what Ferris said (the original used
the current time, which made every run look new).
"""

from __future__ import annotations

import hashlib
import re

from ferris_says.bubble import default_width as utf8_length

#: Cap on each text metadata value (``ferris_said`` and the ``ferris`` Markdown bubble), in
#: UTF-8 bytes. Longer text is cut there with a note; the data version still hashes all of it.
METADATA_CAP_BYTES = 64 * 1024

# Rust's char::is_whitespace (Unicode White_Space), which the original's split_whitespace uses.
_WORD = re.compile("[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")

# Long texts are encoded and hashed this many characters at a time, never copied whole.
CHUNK = 1 << 20


def count_words(words: str) -> int:
    """Whitespace-separated words, as Rust's ``str::split_whitespace().count()``."""
    return sum(1 for _ in _WORD.finditer(words))


def utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def cap(text: str, limit: int = METADATA_CAP_BYTES):
    """(text cut to at most ``limit`` UTF-8 bytes on a character boundary, total bytes, cut?).

    Only the first ``limit`` characters are encoded (they hold at least ``limit`` bytes): the
    cost stays at the cap, not at the size of a huge text.
    """
    if len(text) * 4 <= limit:
        return text, None, False
    total = utf8_length(text)
    if total <= limit:
        return text, total, False
    return utf8(text[:limit])[:limit].decode("utf-8", "ignore"), total, True


def data_version(words: str, partition: str | None) -> str:
    """sha256 of the words' UTF-8 (prefixed by the partition, length-delimited, if any)."""
    digest = hashlib.sha256()
    if partition is not None:
        key = utf8(partition)
        digest.update(b"partition:%d:" % len(key) + key + b"\n")
    for i in range(0, len(words), CHUNK):  # the same digest as of the whole, in chunks
        digest.update(utf8(words[i : i + CHUNK]))
    return digest.hexdigest()


def said_text(words: str) -> str:
    """``ferris_said``: the words, capped, with a note saying so when they were cut."""
    said, total, cut = cap(words)
    if cut:
        said += (
            f"\n… [truncated: the first {len(utf8(said))} of {total} bytes are shown;"
            f" metadata is capped at {METADATA_CAP_BYTES // 1024} KiB, the data version"
            " covers the whole text]"
        )
    return said


class PictureCopy:
    """The start of the picture, as it streams by: at most ``limit`` UTF-8 bytes of it, and
    its whole size. The picture can be far larger than its words; it is never held whole."""

    def __init__(self, limit: int = METADATA_CAP_BYTES):
        self.limit = limit
        self.total_bytes = 0
        self._head: list[str] = []
        self._head_chars = 0

    def add(self, piece: str) -> None:
        self.total_bytes += utf8_length(piece)
        room = self.limit - self._head_chars  # a char is at least a byte: chars bound bytes
        if room > 0:
            self._head.append(piece[:room])
            self._head_chars += min(len(piece), room)

    def head(self) -> str:
        """The first ``limit`` bytes at most, cut at a character boundary."""
        head = "".join(self._head)
        if self.total_bytes <= self.limit:
            return head
        return utf8(head)[: self.limit].decode("utf-8", "ignore")


def bubble_markdown(picture: PictureCopy) -> str:
    """``ferris``: the picture in a code fence longer than any backtick run inside it; a cut
    picture ends at its last whole line, with a note."""
    shown = picture.head()
    cut = picture.total_bytes > picture.limit
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
            f" are shown (metadata is capped at {METADATA_CAP_BYTES // 1024} KiB).*\n"
        )
    return md
