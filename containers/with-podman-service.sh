#!/bin/sh
# containers/with-podman-service.sh COMMAND [ARG...]
#
# Runs COMMAND with a Docker-compatible API at hand: `podman system service` listens on a unix
# socket in a private temporary directory, DOCKER_HOST points at it, and when COMMAND ends (or
# fails, or this script is interrupted) the service is stopped, every container created through
# it is removed and the directory is deleted. The exit status is COMMAND's.
set -eu

dir=$(mktemp -d "${TMPDIR:-/tmp}/ferris-says-podman-XXXXXX")
socket="$dir/podman.sock"
service=""
containers_before="$dir/containers-before"

cleanup() {
    status=$?
    trap - EXIT INT TERM
    if [ -n "$service" ]; then
        kill "$service" 2>/dev/null || true
        wait "$service" 2>/dev/null || true
    fi
    # Containers made through the API while COMMAND ran (a test that failed half-way may have
    # left some): remove them, and only them.
    list_containers > "$dir/containers-after" 2>/dev/null || true
    comm -13 "$containers_before" "$dir/containers-after" | while read -r id; do
        podman rm --force --volumes "$id" >/dev/null 2>&1 || true
    done
    rm -rf "$dir"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# podman's ancestor filter matches an image ID, not every spelling of its name.
image_id=""
if [ -n "${FERRIS_SAYS_IMAGE:-}" ]; then
    image_id=$(podman image inspect --format '{{.Id}}' "$FERRIS_SAYS_IMAGE")
fi
list_containers() {
    podman ps --all --quiet --no-trunc ${image_id:+--filter "ancestor=$image_id"} | sort
}
list_containers > "$containers_before"

# --time=0: the service lives until it is stopped here, however long a test takes.
podman system service --time=0 "unix://$socket" 2>"$dir/service.log" &
service=$!

tries=0
until [ -S "$socket" ] && podman --url "unix://$socket" version >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ] || ! kill -0 "$service" 2>/dev/null; then
        echo "podman system service did not start on $socket:" >&2
        cat "$dir/service.log" >&2
        exit 1
    fi
    sleep 0.1
done

export DOCKER_HOST="unix://$socket"
echo "podman system service on $DOCKER_HOST (pid $service)" >&2
status=0
"$@" || status=$?
exit "$status"
