"""Ferris in Rust orange: whether to colour, and how (rich, imported only when colour is on)."""

from __future__ import annotations

import os
import sys

from ferris_says import environment

# typing.TYPE_CHECKING would import typing on the plain path; mypy honours this name too.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from rich.color import ColorSystem

# Rust's orange, as on rust-lang.org and Ferris himself.
RUST_ORANGE = "#F74C00"

COLOR_CHOICES = ("auto", "always", "never")


def color_decision(color: str, is_terminal: bool) -> tuple[bool, str]:
    """Whether to colour, and why (for --verbose).

    `always` and `never` win over the environment (no-color.org: a command-line flag overrides
    NO_COLOR). `auto`: NO_COLOR (non-empty) turns colour off; else FORCE_COLOR (non-empty, any
    value, as force-color.org and rich read it) turns it on; else colour only on a terminal that
    is not TERM=dumb (rich's rule).
    """
    if color == "always":
        return True, "--color always"
    if color == "never":
        return False, "--color never"
    # A NO_COLOR-style variable is on when present and not empty.
    if os.environ.get(environment.NO_COLOR, "") != "":
        return False, f"{environment.NO_COLOR} is set"
    if os.environ.get(environment.FORCE_COLOR, "") != "":
        return True, f"{environment.FORCE_COLOR} is set"
    if not is_terminal:
        return False, "not a terminal"
    if os.environ.get(environment.TERM, "").strip().lower() in ("dumb", "unknown"):
        return False, "TERM=dumb"
    return True, "a terminal"


def decoration_allowed(color: str = "auto") -> bool:
    """Whether --rainbow, --bold or --aurora colour: asked for, they colour a pipe too, as
    Neo-cowsay does; `--color never` and NO_COLOR (non-empty) win over them."""
    return color != "never" and os.environ.get(environment.NO_COLOR, "") == ""


def color_system() -> ColorSystem:
    """The terminal's colour system as rich detects it, at least 16 colours."""
    from rich.color import ColorSystem
    from rich.console import Console

    detected = Console(file=sys.stdout, force_terminal=True, no_color=False).color_system
    return {
        "truecolor": ColorSystem.TRUECOLOR,
        "256": ColorSystem.EIGHT_BIT,
        "windows": ColorSystem.WINDOWS,
    }.get(detected or "", ColorSystem.STANDARD)


def paint_mascot(mascot: str) -> str:
    """The character in Rust orange, one escape run per line (the bubble stays as it is)."""
    from rich.style import Style

    system = color_system()
    return "\n".join(
        # A fresh Style each time: a Style caches the codes of the first colour system.
        Style(color=RUST_ORANGE).render(line, color_system=system) if line else line
        for line in mascot.split("\n")
    )
