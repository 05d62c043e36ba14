"""ferris-says in a Dagster components project (see ../pyproject.toml and defs/)."""
