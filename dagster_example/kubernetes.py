"""The blog's asset, with ferris-says in a Kubernetes pod run by dagster-k8s' PipesK8sClient.

    make image IMAGE=registry.example.com/team/ferris-says:0.1.0
    podman push registry.example.com/team/ferris-says:0.1.0      # or docker push
    pip install '.[k8s]'                                         # in the clone: dagster-k8s
    FERRIS_SAYS_IMAGE=registry.example.com/team/ferris-says:0.1.0 \\
        dagster dev -f dagster_example/kubernetes.py

The client uses the kubeconfig (or the in-cluster service account when Dagster itself runs in
the cluster), creates one pod per run in NAMESPACE, passes the context inline in
DAGSTER_PIPES_CONTEXT, asks for the messages on stderr and reads them back from the pod's logs,
then deletes the pod. In a pod spec, ``command`` replaces the image's entry point, so it names
``ferris-says`` itself. No cluster runs on the machines this project is tested on: a test builds
the pod from this module with dagster-k8s' own code and runs it with ``podman kube play``.
"""

import os

from dagster import (
    AssetCheckSpec,
    AssetExecutionContext,
    Definitions,
    MaterializeResult,
    asset,
)
from dagster_k8s import PipesK8sClient

IMAGE = os.environ.get("FERRIS_SAYS_IMAGE", "ferris-says:latest")
NAMESPACE = os.environ.get("FERRIS_SAYS_NAMESPACE", "default")
COMMAND = ["ferris-says", "'Say, say, say'"]

# One short-lived Python process: about 25 MiB for a sentence; the memory follows the input.
RESOURCES = {
    "requests": {"cpu": "100m", "memory": "64Mi"},
    "limits": {"memory": "256Mi"},
}
# Merged by PipesK8sClient into the pod it creates; image, command and Dagster's environment go
# into the first container.
POD_SPEC = {
    "containers": [
        {
            "imagePullPolicy": "IfNotPresent",
            "resources": RESOURCES,
            "securityContext": {
                "runAsNonRoot": True,  # the image runs as uid 10001
                "allowPrivilegeEscalation": False,
                "readOnlyRootFilesystem": True,  # ferris-says writes only to stdout and stderr
                "capabilities": {"drop": ["ALL"]},
            },
        }
    ],
}


@asset(
    check_specs=[
        AssetCheckSpec(name="ferris_should_say_something", asset="ferris"),
        AssetCheckSpec(name="ferris_should_speak_3_words", asset="ferris"),
    ],
)
def ferris(
    context: AssetExecutionContext,
    pipes_k8s_client: PipesK8sClient,
) -> MaterializeResult:
    return pipes_k8s_client.run(
        context=context,
        image=IMAGE,
        command=COMMAND,
        namespace=NAMESPACE,
        base_pod_spec=POD_SPEC,
    ).get_materialize_result()


defs = Definitions(
    assets=[ferris],
    resources={"pipes_k8s_client": PipesK8sClient()},
)
