"""FerrisSaysComponent's cowsay attributes: think, mode, eyes, tongue (see ferris_says.looks).

A mixin of the component's model, kept apart so that the component module stays about running
the command. Each attribute is checked at load: an unknown mode, or eyes and tongues a
character has no place for, fail naming the YAML file and the attribute, as Dagster reports a
failed validation.

Python 3.9 syntax on purpose, like ferris_says.dagster.
"""

from typing import Annotated, Any, Optional

import dagster as dg
from pydantic import field_validator, model_validator

from ferris_says import looks
from ferris_says.errors import FerrisUsageError


def check_character(name: Optional[str]) -> Optional[str]:
    """``name`` if ferris-says can draw it (a name, or a .cow file it can read), else a
    ValueError saying why (the names it knows, or the .cow file's line at fault)."""
    if name is not None:
        try:
            looks.check_character(name)
        except FerrisUsageError as error:
            raise ValueError(str(error)) from None
    return name


def check_mode(mode: Optional[str]) -> Optional[str]:
    if mode is not None and mode not in looks.MODES:
        raise ValueError(f"unknown mode {mode!r} (choose from: {', '.join(looks.MODES)})")
    return mode


def _resolve_think(context: dg.ResolutionContext, think: Any) -> Any:
    # Still a string once Dagster resolved it (`think: maybe`): say so at the attribute.
    if not isinstance(think, bool):
        raise ValueError(f"think must be true or false, not {think!r}")
    return think


def _face_resolver(field: str, description: str, examples: list[str]) -> Any:
    """A resolver for ``mode``, ``eyes`` or ``tongue`` that sees the whole model, so that it
    can check the value against the character, and fail naming the YAML file, line and
    attribute (pydantic's own validators see no YAML)."""

    def resolve(context: dg.ResolutionContext, model: Any) -> Any:
        at = context.at_path(field)
        value = getattr(model, field)
        if isinstance(value, str):
            value = at.resolve_value(value)
        character = getattr(model, "character", None)
        if isinstance(character, str):
            character = context.at_path("character").resolve_value(character)
        try:
            if field == "mode":
                check_mode(value)
            if value is not None and _drawable(character):
                looks.draw(looks.Look(character=character, **{field: value}))
        except (ValueError, FerrisUsageError) as error:
            fault = [f"ValueError: {error}\n"]
            raise at.build_resolve_fn_exc(fault, field_name=field, model=model) from None
        return value

    return dg.Resolver.from_model(
        resolve, model_field_type=Optional[str], description=description, examples=examples
    )


def _drawable(character: Any) -> bool:
    """Whether `character` is one ferris-says can draw (else its own attribute says why)."""
    if character is None:
        return True
    try:
        check_character(character)
    except (ValueError, TypeError):
        return False
    return True


class LookAttributes(dg.Model):
    """think, mode, eyes and tongue; the component that inherits them has ``character``."""

    think: Annotated[
        bool,
        dg.Resolver(
            _resolve_think,
            model_field_type=bool,
            description="Think instead of saying: cowthink's ( ) bubble and o tail.",
            examples=[True],
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

    @field_validator("mode")
    @classmethod
    def _known_mode(cls, mode: Optional[str]) -> Optional[str]:
        return check_mode(mode)

    @model_validator(mode="after")
    def _face_fits_character(self) -> Any:
        # Eyes on a drawn-in face, or a tongue where there is none: refused at load.
        if self.eyes is not None or self.tongue is not None or self.mode is not None:
            try:
                looks.draw(self.look())
            except FerrisUsageError as error:
                raise ValueError(str(error)) from None
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
        starting with ``-`` stays a value."""
        args = ["--think"] if self.think else []
        for option, value in (
            ("--mode", self.mode),
            ("--eyes", self.eyes),
            ("--tongue", self.tongue),
        ):
            if value is not None:
                args.append(f"{option}={value}")
        return args
