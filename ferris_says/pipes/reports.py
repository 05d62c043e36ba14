"""Ferris's reports to Dagster, in the order of the blog's ``run()``.

Log, speak, log, check that Ferris said something, check that he said three words, materialize
what he said. An op (a step with no asset keys) gets the two logs only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ferris_says.pipes.metadata import (
    PictureCopy,
    bubble_markdown,
    count_words,
    data_version,
    label_text,
    said_text,
)

if TYPE_CHECKING:
    from ferris_says.pipes.session import FerrisPipesSession

CHECK_SAID_SOMETHING = "ferris_should_say_something"
CHECK_THREE_WORDS = "ferris_should_speak_3_words"


def speak_and_report(
    session: FerrisPipesSession,
    words: str,
    speak: Callable[[PictureCopy], None],
    drawn: dict[str, str] | None = None,
) -> None:
    """Run ``speak`` inside Ferris's reports; it draws the picture, and hands each piece of
    it to the PictureCopy it is given, for the ``ferris`` metadata. ``drawn`` (character,
    mode) goes into the materialization's metadata as text."""
    with session.reporting() as context:
        context.log.info("ferris will now speak")
        picture = PictureCopy(session.metadata_cap)
        speak(picture)
        context.log.info("ferris spoke")
        asset_key = session.asset_key
        if asset_key is None:
            return

        what_did_you_say = len(words) > 0
        context.report_asset_check(
            CHECK_SAID_SOMETHING,
            what_did_you_say,
            severity="ERROR",
            metadata={"what_did_you_say": {"raw_value": what_did_you_say, "type": "bool"}},
            asset_key=asset_key,
        )

        number_of_words = count_words(words)
        context.report_asset_check(
            CHECK_THREE_WORDS,
            number_of_words >= 3,
            severity="WARN",
            metadata={
                "number_of_words_spoken_by_ferris": {"raw_value": number_of_words, "type": "int"}
            },
            asset_key=asset_key,
        )

        metadata = {
            "ferris_said": {"raw_value": said_text(words, session.metadata_cap), "type": "text"},
            "ferris": {"raw_value": bubble_markdown(picture), "type": "md"},
        }
        labels = dict(drawn or {})
        if session.partition_key is not None:
            labels["partition_key"] = session.partition_key
        for name, value in labels.items():
            metadata[name] = {"raw_value": label_text(value, session.metadata_cap), "type": "text"}
        context.report_asset_materialization(
            metadata=metadata,
            data_version=data_version(words, session.partition_key),
            asset_key=asset_key,
        )
