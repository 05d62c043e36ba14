"""The code location: every definition under ``defs/``, found by Dagster's components loader.

``defs/blog_asset.py`` is the blog's asset in plain Python; ``defs/ferris_from_yaml/defs.yaml``
is a ``FerrisSaysComponent``. Load it with ``dagster dev -m ferris_example.definitions -d
dagster_example`` (``make dagster``) or ``dg`` from ``dagster_example/``.
"""

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
