#!/bin/sh
# containers/image.sh ENGINE IMAGE BASE_IMAGE LOCAL_BASE_SUITE
#
# What `make image` does: builds IMAGE from the Dockerfile on BASE_IMAGE when the engine has it
# or can pull it; where no registry can be reached, on an equivalent local base, Debian
# LOCAL_BASE_SUITE with python3 and man-db made by containers/base.sh (once; later builds reuse
# it). The wheels come from the host, for the base's own Python (containers/wheelhouse.py, run
# by $PYTHON, a Python with pip and packaging). $EXTRAS: ferris-says' extras for the image, e.g.
# "s3" or "s3,gcs,azure" (the blob stores of --pipes-store); none by default.
#
# The build runs with --network=none when the base has `man`; a base without it (python:*-slim)
# is built with the network, for the Dockerfile to apt-get install man-db.
set -eu

engine=$1
image=$2
base=$3
suite=$4
python=${PYTHON:-python3}
extras=${EXTRAS:-}
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
# The local base's packages; its tag carries a hash of them and of base.sh, so that a base made
# with other packages (the test bases, an older list) is never taken for this one.
local_packages=python3,python3-venv,man-db
local_hash=$(printf '%s\n' "$local_packages" | cat - "$here/base.sh" | sha256sum | cut -c1-12)

start=$(date +%s)
if "$engine" image inspect "$base" >/dev/null 2>&1; then
    echo "base image: $base" >&2
elif timeout 120 "$engine" pull --quiet "$base" >/dev/null 2>&1; then
    echo "base image: $base (pulled)" >&2
else
    echo "base image: $base is not here and cannot be pulled;" \
        "using a local Debian $suite base instead" >&2
    base="localhost/ferris-says-base:$suite-image-$local_hash"
    sh "$here/base.sh" "$engine" "$suite" "$base" "$local_packages"
fi

pyver=$("$engine" run --rm --network=none --entrypoint python3 "$base" \
    -c 'import sys; print("%d.%d" % sys.version_info[:2])')
wheels="build/wheels/py$pyver"
"$python" "$here/wheelhouse.py" --python-version "$pyver" --out "$wheels" --extras "$extras"
# The licence listing runs inside the build, which sees only build/wheels/.
cp "$here/licences.py" "$wheels/licences.py"

has_man=$("$engine" run --rm --network=none --entrypoint sh "$base" \
    -c 'if command -v man >/dev/null; then echo yes; else echo no; fi')
offline=--network=none
if [ "$has_man" = no ]; then
    echo "base image: $base has no man; the build installs man-db with apt (network on)" >&2
    offline=""
fi

"$engine" build ${offline:+"$offline"} \
    --build-arg "BASE_IMAGE=$base" \
    --build-arg "WHEELS=$wheels" \
    --build-arg "EXTRAS=$extras" \
    --tag "$image" .
echo "built $image on $base (Python $pyver) in $(($(date +%s) - start)) s;" \
    "size $("$engine" image inspect --format '{{.Size}}' "$image") bytes" >&2
