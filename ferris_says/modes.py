"""cowsay's modes, for every command: the letter, the name, the eyes, and the tongue (None: the
tongue is left as it is), in the order Perl cowsay's `construct_face` applies them.

Constants only: the drop-in's start-up and the plain path's look both read them.
"""

from __future__ import annotations

MODES: tuple[tuple[str, str, str, str | None], ...] = (
    ("b", "borg", "==", None),
    ("d", "dead", "xx", "U "),
    ("g", "greedy", "$$", None),
    ("p", "paranoid", "@@", None),
    ("s", "stoned", "**", "U "),
    ("t", "tired", "--", None),
    ("w", "wired", "OO", None),
    ("y", "youthful", "..", None),
)
