"""FerrisSaysComponent's cowsay attributes: think, mode, eyes, tongue (see ferris_says.looks).

A mixin of the component's model, kept apart so that the component module stays about running
the command. Each attribute goes through the checker the command line and the Pipes extras use
(``ferris_says.attributes``), at load: an unknown mode, eyes with a NUL, a template that renders
to nothing, or eyes and tongues a character has no place for, fail naming the YAML file, line
and attribute, as Dagster reports a resolver's error (``ferris_says.component_checks``).

Python 3.9 syntax on purpose, like ferris_says.dagster.
"""

from typing import Annotated, Any, Callable, Optional

import dagster as dg
from pydantic import BaseModel, ValidationInfo, field_validator, model_validator

from ferris_says import attributes, looks
from ferris_says.component_checks import checked, located, render_text, resolved
from ferris_says.errors import FerrisUsageError


def check_character(name: object) -> str:
    """``name`` if ferris-says can draw it (a name, or a .cow file it can read), else a usage
    error saying why (the names it knows, or the .cow file's line at fault)."""
    character = attributes.check_character(name)
    looks.check_character(character)
    return character


def as_value_error(check: Callable[[Any], Any], value: Any) -> Any:
    """``check(value)`` for pydantic's validators (a component built in Python, which no YAML
    resolver has seen): they report a ValueError, with the checker's words."""
    if value is None:
        return None
    try:
        return check(value)
    except FerrisUsageError as error:
        raise ValueError(str(error)) from None


#: The checker of each cowsay attribute.
LOOK_CHECKS: dict[str, Callable[[Any], Any]] = {
    "think": attributes.check_think,
    "mode": attributes.check_mode,
    "eyes": attributes.check_eyes,
    "tongue": attributes.check_tongue,
}


def _face_resolver(field: str, description: str, examples: list[str]) -> Any:
    """A resolver for ``mode``, ``eyes`` or ``tongue``: the attribute's checker, then whether
    the character (if it can be drawn: else its own attribute says why) has a place for it."""

    def resolve(context: dg.ResolutionContext, model: BaseModel) -> Any:
        at = context.at_path(field)
        raw = getattr(model, field)
        if raw is None:
            return None
        value = resolved(at, raw, field, model)

        def fits() -> Any:
            LOOK_CHECKS[field](value)
            character = _drawable_character(context, model)
            if character is not False:
                looks.draw(looks.Look(character=character, **{field: value}))
            return value

        return located(at, field, model, fits)

    return dg.Resolver.from_model(
        resolve, model_field_type=Optional[str], description=description, examples=examples
    )


def _drawable_character(context: dg.ResolutionContext, model: BaseModel) -> Any:
    """The model's character as its own resolver reads it (None: ferris), or False when it
    cannot be drawn (its own attribute says why)."""
    raw = getattr(model, "character", None)
    if raw is None:
        return None
    try:
        return check_character(
            render_text(context.at_path("character"), raw, "character")
            if isinstance(raw, str)
            else raw
        )
    except FerrisUsageError:
        return False


class LookAttributes(dg.Model):
    """think, mode, eyes and tongue; the component that inherits them has ``character``."""

    think: Annotated[
        bool,
        checked(
            "think",
            attributes.check_think,
            model_field_type=bool,
            description="Think instead of saying: cowthink's ( ) bubble and o tail.",
            examples=[True],
            as_text=False,
        ),
    ] = False
    mode: Annotated[
        Optional[str],
        _face_resolver(
            "mode",
            "cowsay's face: " + ", ".join(looks.MODES) + "; its eyes win over eyes, as in cowsay.",
            ["dead"],
        ),
    ] = None
    eyes: Annotated[
        Optional[str],
        _face_resolver("eyes", "Eyes, the first two characters (as cowsay's -e).", ["^^"]),
    ] = None
    tongue: Annotated[
        Optional[str],
        _face_resolver(
            "tongue",
            "Tongue, the first two characters (as cowsay's -T), where the character has one.",
            ["U "],
        ),
    ] = None

    @field_validator(*LOOK_CHECKS)
    @classmethod
    def _look_checked(cls, value: Any, info: ValidationInfo) -> Any:
        # Named apart from the component's own validator, which would otherwise replace it.
        return as_value_error(LOOK_CHECKS[str(info.field_name)], value)

    @model_validator(mode="after")
    def _face_fits_character(self) -> Any:
        # Eyes on a drawn-in face, or a tongue where there is none: refused at load.
        if self.eyes is not None or self.tongue is not None or self.mode is not None:
            as_value_error(looks.draw, self.look())
        return self

    def look(self) -> looks.Look:
        return looks.Look(
            character=getattr(self, "character", None),
            think=self.think,
            eyes=self.eyes,
            tongue=self.tongue,
            mode=self.mode,
        )

    def look_arguments(self) -> list[str]:
        """The command's options for these attributes; ``--option=value``, so that a value
        starting with ``-`` stays a value. Of eyes and a tongue, only the two characters that
        are drawn are passed: the rest could outgrow a command-line argument."""
        args = ["--think"] if self.think else []
        for option, value in (
            ("--mode", self.mode),
            ("--eyes", None if self.eyes is None else self.eyes[: looks.FACE_CHARS]),
            ("--tongue", None if self.tongue is None else self.tongue[: looks.FACE_CHARS]),
        ):
            if value is not None:
                args.append(f"{option}={value}")
        return args
