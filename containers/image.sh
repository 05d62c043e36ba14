#!/bin/sh
# containers/image.sh ENGINE IMAGE BASE_IMAGE LOCAL_BASE_SUITE
#
# What `make image` does: builds IMAGE from the Dockerfile on BASE_IMAGE when the engine has it
# or can pull it; where no registry can be reached, on an equivalent local base, Debian
# LOCAL_BASE_SUITE with python3 made by containers/base.sh (once; later builds reuse it). The
# wheels come from the host, for the base's own Python (containers/wheelhouse.py, run by
# $PYTHON, a Python with pip and packaging). $EXTRAS: ferris-says' extras for the image, e.g.
# "s3" or "s3,gcs,azure" (the blob stores of --pipes-store); none by default.
set -eu

engine=$1
image=$2
base=$3
suite=$4
python=${PYTHON:-python3}
extras=${EXTRAS:-}
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."

start=$(date +%s)
if "$engine" image inspect "$base" >/dev/null 2>&1; then
    echo "base image: $base" >&2
elif timeout 120 "$engine" pull --quiet "$base" >/dev/null 2>&1; then
    echo "base image: $base (pulled)" >&2
else
    echo "base image: $base is not here and cannot be pulled;" \
        "using a local Debian $suite base instead" >&2
    base="localhost/ferris-says-base:$suite"
    sh "$here/base.sh" "$engine" "$suite" "$base"
fi

pyver=$("$engine" run --rm --network=none --entrypoint python3 "$base" \
    -c 'import sys; print("%d.%d" % sys.version_info[:2])')
wheels="build/wheels/py$pyver"
"$python" "$here/wheelhouse.py" --python-version "$pyver" --out "$wheels" --extras "$extras"
# The licence listing runs inside the build, which sees only build/wheels/.
cp "$here/licences.py" "$wheels/licences.py"

"$engine" build --network=none \
    --build-arg "BASE_IMAGE=$base" \
    --build-arg "WHEELS=$wheels" \
    --build-arg "EXTRAS=$extras" \
    --tag "$image" .
echo "built $image on $base (Python $pyver) in $(($(date +%s) - start)) s;" \
    "size $("$engine" image inspect --format '{{.Size}}' "$image") bytes" >&2
