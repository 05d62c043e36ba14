#!/bin/sh
# containers/pythons.sh ENGINE SUITE[/PYTHON]...
#
# What `make test-pythons` does: for each Debian SUITE (bullseye: Python 3.9, bookworm: 3.11,
# trixie: 3.13, forky: 3.14), or another Python a suite ships beside its own (forky/python3.15),
# a base with that Python (containers/base.sh, made once), the wheels of
# ferris-says, its dependencies, pytest and hypothesis for that Python (fetched on the host),
# an image with them installed (containers/Containerfile.tests), and the test suite run in it
# against the installed wheel: tests/ is copied into the container, the package's sources are
# not. The Dagster and container tests stay on the host (Dagster has its own Python support;
# a test module that imports Dagster, or the Dagster project helper, is left out by name);
# what `make test` runs, as it runs it (the slow tests and every example: make test-slow, on
# the host's Python), since what differs between Pythons is the language and its library;
# the host's Debian unicode-data (LineBreak.txt, which one test reads) is mounted read-only, and
# tools/ (the table generators the table tests run, the Dagster matrix's planner). tests/test_project.py checks the source
# tree itself (the wheel it builds, the changelog) and runs on the host only.
# The .cow tests compare with Debian's Perl cowsay, which lives on the host: they stay there,
# as do the tests of the host's tools (the docs' examples and the Makefile, man, localedef with
# Debian's locale sources); Debian's .cow files are mounted for test_looks.py.
#
# Every suite runs even when one fails; the exit status is 1 when any failed. TAG_SUFFIX is
# appended to the test images' tags (machines shared by several checkouts keep theirs apart).
set -u

engine=$1
shift
python=${PYTHON:-python3}
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."

summary=""
failed=0
for entry in "$@"; do
    start=$(date +%s)
    suite=${entry%%/*}
    interpreter=python3
    tag=$suite
    if [ "$entry" != "$suite" ]; then
        interpreter=${entry#*/}
        tag="$suite-$interpreter"
    fi
    base="localhost/ferris-says-base:$tag"
    image="localhost/ferris-says-tests:$tag${TAG_SUFFIX:-}"
    status=0
    {
        sh "$here/base.sh" "$engine" "$suite" "$base" "$interpreter,$interpreter-venv" &&
            pyver=$("$engine" run --rm --network=none "$base" \
                "$interpreter" -c 'import sys; print("%d.%d" % sys.version_info[:2])') &&
            "$python" "$here/wheelhouse.py" --python-version "$pyver" \
                --out "build/wheels/tests-py$pyver" pytest hypothesis &&
            "$engine" build --quiet --network=none --file "$here/Containerfile.tests" \
                --build-arg "BASE_IMAGE=$base" --build-arg "WHEELS=build/wheels/tests-py$pyver" \
                --build-arg "PYTHON=$interpreter" \
                --tag "$image" . >/dev/null
    } || status=$?
    if [ "$status" -eq 0 ]; then
        echo "== Debian $suite, Python $pyver: tests/ against the installed wheel" >&2
        "$engine" run --rm --network=none \
            --volume "$PWD/tests:/project/tests:ro" \
            --volume "$PWD/tools:/project/tools:ro" \
            --volume "$PWD/fake_temp:/project/fake_temp:ro" \
            --volume "$PWD/pyproject.toml:/project/pyproject.toml:ro" \
            --volume /usr/share/unicode:/usr/share/unicode:ro \
            --volume /usr/share/cowsay:/usr/share/cowsay:ro \
            "$image" sh -c '
                cp -R /project /tmp/project && cd /tmp/project &&
                dagster=$(grep -lE "^(import|from) (dagster|support\.dagster_project)\b" \
                    tests/test_*.py | sed "s/^/--ignore=/") &&
                exec /opt/venv/bin/python -m pytest -q -rs -p no:cacheprovider $dagster \
                    -m "not slow" --hypothesis-profile=quick \
                    --ignore=tests/test_dagster.py --ignore-glob="tests/test_component*.py" \
                    --ignore=tests/test_container.py --ignore=tests/test_project.py \
                    --ignore=tests/test_cowsay_oracle.py --ignore=tests/test_cowfile.py \
                    --ignore=tests/test_component_checks.py \
                    --ignore=tests/test_docs_examples.py --ignore=tests/test_front_door.py \
                    --ignore=tests/test_manpage.py --ignore=tests/test_locales.py' ||
            status=$?
    fi
    seconds=$(($(date +%s) - start))
    if [ "$status" -eq 0 ]; then
        summary="$summary
  $entry (Python ${pyver:-?}): passed in $seconds s"
    else
        failed=1
        summary="$summary
  $entry (Python ${pyver:-?}): FAILED (exit $status) after $seconds s"
    fi
    pyver=""
done
echo "test-pythons:$summary" >&2
exit "$failed"
