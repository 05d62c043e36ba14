#!/bin/sh
# containers/base.sh ENGINE SUITE IMAGE [PACKAGES]
#
# Makes IMAGE a Debian SUITE base with PACKAGES (comma-separated; python3,python3-venv when not
# given, the test bases of `make test-pythons`), for machines that reach no container registry:
# mmdebstrap builds a minbase root file system from Debian's packages (with no mirror argument,
# from Debian's own mirror, as this machine's apt sources do) and the engine imports it. Nothing
# is done when IMAGE exists already, so reruns cost one look-up: a caller that changes PACKAGES
# names a new IMAGE (containers/image.sh puts a hash of them in the tag).
#
# bullseye has Python 3.9, bookworm 3.11, trixie 3.13; forky (testing) has 3.14 as python3 and
# ships python3.15 beside it.
set -eu

engine=$1
suite=$2
image=$3
packages=${4:-python3,python3-venv}

if "$engine" image inspect "$image" >/dev/null 2>&1; then
    exit 0
fi

if ! command -v mmdebstrap >/dev/null 2>&1; then
    echo "base.sh: mmdebstrap is missing (make deps installs it)" >&2
    exit 1
fi

# The root file system is written outside the project and removed whatever happens.
work=$(mktemp -d "${TMPDIR:-/var/tmp}/ferris-says-base-XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "building $image: Debian $suite (minbase, $packages) with mmdebstrap" >&2
start=$(date +%s)
# maybe-merged-usr: a merged /usr where the suite has usr-is-merged (bookworm, trixie), without
# pulling in the usrmerge package and perl. The packages' own manuals, documentation and
# translations are not unpacked and apt's package lists are dropped: nothing in the image reads
# them (man-db, where PACKAGES has it, is there for ferris-says' page, which is not in /usr).
# Check-Valid-Until: the mirror these machines reach can serve a testing suite's Release file
# past its Valid-Until date (forky's was "expired (invalid since 24d)" here); the signatures
# are still checked.
if ! mmdebstrap \
    --variant=minbase \
    --include="$packages" \
    --aptopt='Acquire::Check-Valid-Until "false"' \
    --hook-dir=/usr/share/mmdebstrap/hooks/maybe-merged-usr \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
    "$suite" "$work/rootfs.tar" >"$work/mmdebstrap.log" 2>&1; then
    cat "$work/mmdebstrap.log" >&2
    echo "mmdebstrap could not build Debian $suite (its log is above)" >&2
    exit 1
fi

# What python:*-slim images set too: the usual PATH and a UTF-8 locale every base has (C.UTF-8).
"$engine" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["python3"]' \
    "$work/rootfs.tar" "$image" >/dev/null
echo "built $image in $(($(date +%s) - start)) s" >&2
