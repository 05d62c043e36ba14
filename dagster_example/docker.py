"""The blog's asset, with ferris-says in a container run by dagster-docker's PipesDockerClient.

    make image                                   # builds ferris-says:latest (the Dockerfile)
    pip install '.[docker]'                      # in the clone: dagster-docker, beside Dagster
    dagster dev -f dagster_example/docker.py     # DOCKER_HOST says which engine, as for docker

The client passes the context inline in DAGSTER_PIPES_CONTEXT, asks for the messages on stderr
(DAGSTER_PIPES_MESSAGES) and reads them back from the container's logs; the bubble, on stdout,
is forwarded to this process's stdout. The image's entry point is ``ferris-says``, so
``command`` holds only its arguments. ``make test-container`` materializes this asset under
podman. FERRIS_SAYS_IMAGE names another image (a registry's, a tag of your own).
"""

import os

from dagster import (
    AssetCheckSpec,
    AssetExecutionContext,
    Definitions,
    MaterializeResult,
    asset,
)
from dagster_docker import PipesDockerClient

IMAGE = os.environ.get("FERRIS_SAYS_IMAGE", "ferris-says:latest")


@asset(
    check_specs=[
        AssetCheckSpec(name="ferris_should_say_something", asset="ferris"),
        AssetCheckSpec(name="ferris_should_speak_3_words", asset="ferris"),
    ],
)
def ferris(
    context: AssetExecutionContext,
    pipes_docker_client: PipesDockerClient,
) -> MaterializeResult:
    return pipes_docker_client.run(
        context=context,
        image=IMAGE,
        command=["'Say, say, say'"],  # arguments to the image's entry point, ferris-says
    ).get_materialize_result()


defs = Definitions(
    assets=[ferris],
    resources={"pipes_docker_client": PipesDockerClient()},
)
