"""What one run was asked to do: a frozen value built once, read by every layer.

The command line (``command.py``), the plain-words path (``cli.py``) and Python callers build a
``Request``; ``speak.run(request)`` does it. Nothing is passed by position between the layers,
so an option added to the command is a field here and a read where it is used.

Not a ``dataclasses.dataclass``: importing ``dataclasses`` (and the ``inspect`` it loads) takes
longer than the plain path's whole import, so it is a `frozen.Frozen`: keyword-only
construction, ``__slots__``, no assignment after ``__init__``, ``replace`` for a changed copy.
"""

from __future__ import annotations

from ferris_says.frozen import Frozen

# typing.TYPE_CHECKING would import typing on the plain path; mypy honours this name too.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable


#: --bubble: the crate's (the default), or Perl cowsay's (`cowsay_bubble`, loaded only then).
CRATE_BUBBLE = "crate"
COWSAY_BUBBLE = "cowsay"
BUBBLES = (CRATE_BUBBLE, COWSAY_BUBBLE)
#: Perl's Text::Wrap cannot wrap below this column (cowsay -W 1 prints "3").
COWSAY_MIN_WIDTH = 2


class Request(Frozen):
    """What was asked. ``None`` means "not given": the default, or what Dagster's extras say.

    - ``words``, ``files``: what to say (words joined by a space; each file one picture).
    - ``width``: wrap at this many columns (None: the words' UTF-8 byte length, no re-wrap).
    - ``character``, ``think``, ``eyes``, ``tongue``, ``mode``, ``random``: how the speaker
      looks (cowsay's options); ``color``: ``auto``, ``always`` or ``never``.
    - ``bubble``: ``crate`` (the crate's bubble, the default) or ``cowsay`` (Perl cowsay's:
      Text::Wrap at ``width``, 40 by default); ``styles``: Neo-cowsay's ``rainbow``, ``bold``,
      ``aurora`` (see ``decorate``).
    - ``asset_key``: which of the Dagster context's asset keys to report on.
    - ``verbose``: trace to stderr, tracebacks on errors.
    - ``pipes_context``, ``pipes_messages``, ``pipes_store``: the Pipes bootstrap given on the
      command line (``--dagster-pipes-context``/``-messages``, ``--pipes-store``).
    """

    __slots__ = (
        "words",
        "files",
        "width",
        "character",
        "think",
        "eyes",
        "tongue",
        "mode",
        "random",
        "color",
        "bubble",
        "styles",
        "asset_key",
        "verbose",
        "pipes_context",
        "pipes_messages",
        "pipes_store",
    )

    words: tuple[str, ...]
    files: tuple[str, ...]
    width: int | None
    character: str | None
    think: bool
    eyes: str | None
    tongue: str | None
    mode: str | None
    random: bool
    color: str
    bubble: str
    styles: tuple[str, ...]
    asset_key: str | None
    verbose: bool
    pipes_context: str | None
    pipes_messages: str | None
    pipes_store: str | None

    def __init__(
        self,
        *,
        words: Iterable[str] = (),
        files: Iterable[str] = (),
        width: int | None = None,
        character: str | None = None,
        think: bool = False,
        eyes: str | None = None,
        tongue: str | None = None,
        mode: str | None = None,
        random: bool = False,
        color: str = "auto",
        bubble: str = CRATE_BUBBLE,
        styles: Iterable[str] = (),
        asset_key: str | None = None,
        verbose: bool = False,
        pipes_context: str | None = None,
        pipes_messages: str | None = None,
        pipes_store: str | None = None,
    ) -> None:
        given = locals()
        super().__init__(
            **{
                name: tuple(given[name]) if name in ("words", "files", "styles") else given[name]
                for name in self.__slots__
            }
        )

    def __repr__(self) -> str:
        changed = (
            f"{name}={getattr(self, name)!r}"
            for name in self.__slots__
            if getattr(self, name) != getattr(DEFAULT_REQUEST, name)
        )
        return f"Request({', '.join(changed)})"

    # ---- what the layers ask of it ---------------------------------------------------------

    @property
    def pipes_from_command_line(self) -> bool:
        """Dagster gave the Pipes params as arguments: they win over the environment."""
        return self.pipes_context is not None or self.pipes_messages is not None

    @property
    def asks_for_a_look(self) -> bool:
        """Whether any of cowsay's options was given (else Ferris is drawn as the crate does)."""
        return (
            self.character is not None
            or self.think
            or self.eyes is not None
            or self.tongue is not None
            or self.mode is not None
            or self.random
        )


#: What `ferris-says` with no options asks for.
DEFAULT_REQUEST = Request()
