"""Frozen values without dataclasses, for `Request`, `Look` and `Drawing`.

A subclass names its fields in ``__slots__`` and sets them once, by keyword, through
``Frozen.__init__``; they are compared, hashed and shown by those fields, never assigned again,
and ``replace`` makes a changed copy. Not ``dataclasses.dataclass``: importing dataclasses (and
the ``inspect`` it loads) takes longer than the plain path's whole import.
"""

from __future__ import annotations

# typing.TYPE_CHECKING would import typing on the plain path; mypy honours this name too.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar

    Value = TypeVar("Value", bound="Frozen")


class Frozen:
    __slots__: tuple[str, ...] = ()

    def __init__(self, **fields: object) -> None:
        for name in self.__slots__:
            object.__setattr__(self, name, fields[name])

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(
            f"a {type(self).__name__} is frozen: {name} cannot be set (use replace)"
        )

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a {type(self).__name__} is frozen: {name} cannot be deleted")

    def fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Frozen)
        return self.fields() == other.fields()

    def __hash__(self) -> int:
        return hash(tuple(self.fields().values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self.fields().items())
        return f"{type(self).__name__}({shown})"

    def replace(self: Value, **changes: Any) -> Value:
        """A copy with ``changes`` (field names as keywords)."""
        return type(self)(**{**self.fields(), **changes})
