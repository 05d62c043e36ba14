"""Ferris for Dagster projects: ``FerrisSaysComponent``, five lines of ``defs.yaml``.

Installed with the ``dagster`` extra (``pip install '.[dagster]'`` in a clone); nothing on the
command's own path imports this module, so the command's cold start and its base install
(click, rich, cowsay, dagster-pipes) do not change. ``dg`` finds the component through the
``dagster_dg_cli.registry_modules`` entry point of ferris-says (``dg list components``).

Python 3.9 syntax on purpose: the extra admits Dagster 1.11 and 1.12, which still run there.
"""

import json
import re
import sys
from typing import Annotated, Any, Callable, Optional

import dagster as dg
from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from ferris_says import attributes
from ferris_says.bubble import MAX_WIDTH
from ferris_says.characters import DEFAULT_CHARACTER
from ferris_says.component_checks import (
    check_asset_key,
    check_group_name,
    check_kinds,
    check_owners,
    check_partition_keys,
    check_tags,
    checked,
)
from ferris_says.component_checks import op_name as _op_name
from ferris_says.dagster_looks import LookAttributes, as_value_error, check_character
from ferris_says.errors import FerrisUsageError
from ferris_says.install_hints import extra_install
from ferris_says.pipes.reports import CHECK_SAID_SOMETHING, CHECK_THREE_WORDS
from ferris_says.request import COWSAY_BUBBLE, CRATE_BUBBLE

__all__ = ["FerrisSaysComponent"]

# The checks the blog's asset declares, which ferris-says reports on every run.
CHECK_NAMES = (CHECK_SAID_SOMETHING, CHECK_THREE_WORDS)

DEFAULT_ASSET_KEY = "ferris"

# What --width takes: the crate's usize. The bounds sit on the int itself, not on the field,
# because Dagster's YAML model also admits a string there (a template) for every field.
Width = Annotated[int, Field(ge=0, le=MAX_WIDTH)]


def docker_client_class() -> type:
    """dagster-docker's PipesDockerClient, or an ImportError naming the extra to install."""
    try:
        from dagster_docker import PipesDockerClient
    except ImportError as error:
        raise ImportError(
            "FerrisSaysComponent with `image:` runs the image with dagster-docker's"
            " PipesDockerClient, and dagster-docker is not installed"
            f" ({error}); install ferris-says with its docker extra: {extra_install('docker')}"
        ) from error
    return PipesDockerClient


def check_image(value: object) -> str:
    """An image reference, and dagster-docker there to run it: checked at load, naming the
    file and attribute, not at run time."""
    image = attributes.check_image(value)
    try:
        docker_client_class()
    except ImportError as error:
        raise FerrisUsageError(str(error)) from None
    return image


def check_description(value: object) -> str:
    return attributes.text(value, "description")


#: The checker of each attribute of the component's own (LookAttributes has the cowsay ones).
CHECKS: dict[str, Callable[[Any], Any]] = {
    "words": attributes.check_words,
    "asset_key": check_asset_key,
    "width": attributes.check_width,
    "character": check_character,
    "description": check_description,
    "group_name": check_group_name,
    "tags": check_tags,
    "kinds": check_kinds,
    "owners": check_owners,
    "partition_keys": check_partition_keys,
    "image": check_image,
    "bubble": attributes.check_bubble,
}


class ScaffoldParams(BaseModel):
    """`dg scaffold defs ferris_says.dagster.FerrisSaysComponent NAME [--words ...]`."""

    words: Optional[str] = Field(default=None, description="What Ferris says.")
    asset_key: Optional[str] = Field(
        default=None, description="The asset's key (default: the folder's name)."
    )


DEFAULT_SCAFFOLD_WORDS = "Hello fellow Rustaceans!"


class FerrisSaysScaffolder(dg.Scaffolder):
    """Writes a defs.yaml (or component.py) that materializes as it is."""

    @classmethod
    def get_scaffold_params(cls) -> type:
        return ScaffoldParams

    def scaffold(self, request: dg.ScaffoldRequest) -> None:
        params = request.params if isinstance(request.params, ScaffoldParams) else ScaffoldParams()
        words = params.words if params.words is not None else DEFAULT_SCAFFOLD_WORDS
        asset_key = params.asset_key or _key_from_folder(request.target_path.name)
        request.target_path.mkdir(parents=True, exist_ok=True)
        if request.scaffold_format == "python":
            (request.target_path / "component.py").write_text(
                _PYTHON_TEMPLATE.format(
                    type_name=request.type_name.rsplit(".", 1)[-1],
                    module=request.type_name.rsplit(".", 1)[0],
                    asset_key=repr(asset_key),
                    words=repr(words),
                ),
                encoding="utf-8",
            )
            return
        # JSON strings are YAML double-quoted scalars: any words, quotes included, survive.
        (request.target_path / "defs.yaml").write_text(
            _YAML_TEMPLATE.format(
                type_name=request.type_name,
                asset_key=json.dumps(asset_key, ensure_ascii=False),
                words=json.dumps(words, ensure_ascii=False),
            ),
            encoding="utf-8",
        )


def _key_from_folder(name: str) -> str:
    key = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return key or DEFAULT_ASSET_KEY


_YAML_TEMPLATE = """\
type: {type_name}
attributes:
  asset_key: {asset_key}
  words: {words}
  # width: 40            # wrap at 40 columns (unset: no re-wrapping)
  # character: clippy    # or a cowsay character: ferris-says --list-characters
"""

_PYTHON_TEMPLATE = """\
import dagster as dg

from {module} import {type_name}


@dg.component_instance
def load(context: dg.ComponentLoadContext) -> {type_name}:
    return {type_name}(asset_key={asset_key}, words={words})
"""


@dg.scaffold_with(FerrisSaysScaffolder)
class FerrisSaysComponent(dg.Component, dg.Resolvable, LookAttributes):
    """Ferris the crab says your words: an asset materialized by ferris-says through Dagster Pipes.

    The asset declares the blog post's two checks, ``ferris_should_say_something`` (ERROR) and
    ``ferris_should_speak_3_words`` (WARN); ferris-says evaluates both and reports the
    materialization, with the picture as Markdown metadata (``ferris``), ``ferris_said`` and a
    data version that is a hash of the words. It runs ``python -m ferris_says`` with the
    Python that runs Dagster (no PATH lookup), or, with ``image``, that container image through
    dagster-docker's ``PipesDockerClient`` (the ``docker`` extra of ferris-says).

    Words are said as written: quotes and all, never read as a Python literal. They are a Jinja
    template only when they hold ``{{``, ``{%`` or ``{#`` (``{{ env.WORDS }}``), rendered as text.

    Example:
        .. code-block:: yaml

            type: ferris_says.dagster.FerrisSaysComponent
            attributes:
              asset_key: ferris_greeting
              words: "'Say, say, say'"
              width: 12
    """

    words: Annotated[
        str,
        checked(
            "words",
            CHECKS["words"],
            model_field_type=str,
            description=(
                "What Ferris says, exactly as written (quotes kept). A Jinja template only"
                " when it holds {{, {% or {#, rendered as text."
            ),
            examples=["'Say, say, say'", "Hello fellow Rustaceans!"],
        ),
    ]
    asset_key: Annotated[
        str,
        checked(
            "asset_key",
            CHECKS["asset_key"],
            model_field_type=str,
            description="The asset's key; slashes separate the parts of a multi-part key.",
            examples=["ferris", "crabs/ferris"],
        ),
    ] = DEFAULT_ASSET_KEY
    width: Annotated[
        Optional[Width],
        checked(
            "width",
            CHECKS["width"],
            model_field_type=Optional[Width],
            description=(
                "Wrap the words at this many columns, as the crate's say(text, width). Unset: no"
                " re-wrapping (the words' UTF-8 byte length, like the original command)."
            ),
            examples=[40],
        ),
    ] = None
    character: Annotated[
        Optional[str],
        checked(
            "character",
            CHECKS["character"],
            model_field_type=Optional[str],
            description=(
                f"Who says it: {DEFAULT_CHARACTER} (unset), clippy, a cowsay character"
                " (ferris-says --list-characters), or a .cow file's path (checked at load)."
            ),
            examples=["clippy", "tux"],
        ),
    ] = None
    bubble: Annotated[
        str,
        checked(
            "bubble",
            CHECKS["bubble"],
            model_field_type=str,
            description=(
                "crate: the Rust crate's bubble. cowsay: Perl cowsay's, wrapped at width (40"
                " when unset) as ferris-cowsay draws it: the asset says what a cowsay cron job"
                " said."
            ),
            examples=[COWSAY_BUBBLE],
        ),
    ] = CRATE_BUBBLE
    description: Annotated[
        Optional[str],
        checked(
            "description",
            CHECKS["description"],
            model_field_type=Optional[str],
            description="The asset's description.",
            examples=["Ferris greets the team"],
        ),
    ] = None
    group_name: Annotated[
        Optional[str],
        checked(
            "group_name",
            CHECKS["group_name"],
            model_field_type=Optional[str],
            description="The asset's group.",
            examples=["crabs"],
        ),
    ] = None
    tags: Annotated[
        Optional[dict[str, str]],
        checked(
            "tags",
            CHECKS["tags"],
            model_field_type=Optional[dict[str, Any]],
            description="The asset's tags.",
            examples=[{"team": "crabs"}],
        ),
    ] = None
    kinds: Annotated[
        Optional[list[str]],
        checked(
            "kinds",
            CHECKS["kinds"],
            model_field_type=Optional[list[str]],
            description="The asset's kinds, shown in Dagster's UI (at most three).",
            examples=[["python"]],
        ),
    ] = None
    owners: Annotated[
        Optional[list[str]],
        checked(
            "owners",
            CHECKS["owners"],
            model_field_type=Optional[list[str]],
            description="The asset's owners: emails or team:name.",
            examples=[["team:crabs"]],
        ),
    ] = None
    partition_keys: Annotated[
        Optional[list[str]],
        checked(
            "partition_keys",
            CHECKS["partition_keys"],
            model_field_type=Optional[list[str]],
            description=(
                "Static partitions of the asset. Each partition's data version covers its key,"
                " and the materialization carries it as partition_key metadata."
            ),
            examples=[["north", "south"]],
        ),
    ] = None
    image: Annotated[
        Optional[str],
        checked(
            "image",
            CHECKS["image"],
            model_field_type=Optional[str],
            description=(
                "Run this container image (ENTRYPOINT ferris-says) through dagster-docker's"
                " PipesDockerClient instead of a local subprocess."
            ),
            examples=["ferris-says:latest"],
        ),
    ] = None

    @field_validator(*CHECKS)
    @classmethod
    def _checked(cls, value: Any, info: ValidationInfo) -> Any:
        # Built in Python (FerrisSaysComponent(...)), no YAML resolver has checked it.
        return as_value_error(CHECKS[str(info.field_name)], value)

    @model_validator(mode="after")
    def _cowsay_wraps_from_two(self) -> Any:
        # Perl's Text::Wrap cannot wrap below 2 columns: refused at load, not at the run.
        as_value_error(lambda width: attributes.check_bubble_width(self.bubble, width), self.width)
        return self

    # ---- what runs -------------------------------------------------------------------------

    @property
    def key(self) -> dg.AssetKey:
        return dg.AssetKey.from_user_string(self.asset_key)

    def arguments(self) -> list[str]:
        """ferris-says' arguments: options, then ``--`` so words starting with ``-`` stay words."""
        args = ["--color", "never"]  # compute logs get the plain picture, whatever the env says
        if self.width is not None:
            args += ["--width", str(self.width)]
        if self.character is not None:
            args += ["--character", self.character]
        if self.bubble != CRATE_BUBBLE:
            args += ["--bubble", self.bubble]
        return [*args, *self.look_arguments(), "--", self.words]

    def local_command(self) -> list[str]:
        """The ferris-says of this environment, found through this Python, not through PATH."""
        return [sys.executable, "-m", "ferris_says", *self.arguments()]

    def pipes_client(self) -> Any:
        """The client that runs ferris-says: a local subprocess, or ``image`` under Docker."""
        if self.image is not None:
            return docker_client_class()()
        return dg.PipesSubprocessClient()

    def run(self, context: dg.AssetExecutionContext) -> Any:
        client = self.pipes_client()
        if self.image is not None:
            # The image's ENTRYPOINT is ferris-says: the command is its arguments.
            invocation = client.run(context=context, image=self.image, command=self.arguments())
        else:
            invocation = client.run(context=context, command=self.local_command())
        return invocation.get_results()

    # ---- definitions ------------------------------------------------------------------------

    def asset_spec(self) -> dg.AssetSpec:
        partitions = (
            dg.StaticPartitionsDefinition(list(self.partition_keys))
            if self.partition_keys is not None
            else None
        )
        return dg.AssetSpec(
            key=self.key,
            description=self.description,
            group_name=self.group_name,
            tags=self.tags or None,
            kinds=set(self.kinds) if self.kinds else None,
            owners=self.owners,
            partitions_def=partitions,
        )

    def build_defs(self, context: dg.ComponentLoadContext) -> dg.Definitions:
        if self.image is not None:
            docker_client_class()
        spec = self.asset_spec()
        component = self

        @dg.multi_asset(
            name=_op_name(spec.key),
            specs=[spec],
            check_specs=[dg.AssetCheckSpec(name, asset=spec.key) for name in CHECK_NAMES],
        )
        def _ferris_says(context: dg.AssetExecutionContext) -> Any:
            yield from component.run(context)

        return dg.Definitions(assets=[_ferris_says])
