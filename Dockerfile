# ferris-says as a container image: `docker run ferris-says "what you want"` prints the bubble,
# and Dagster's PipesDockerClient / PipesK8sClient run it as a Pipes process (the context comes
# in DAGSTER_PIPES_CONTEXT, the messages go out on stderr, read back from the container's logs).
#
# Build it with `make image`: it puts the wheels (ferris-says, built from this checkout, and its
# dependencies, for the base image's Python) in build/wheels/ first; nothing is downloaded here.
# BASE_IMAGE is any image with python3 and its venv module: python:3.12-slim by default, or a
# Debian base made by `make image` where no registry can be reached. EXTRAS adds ferris-says'
# extras, e.g. `make image EXTRAS=s3` or EXTRAS=s3,gcs,azure for --pipes-store (the SDKs of the
# blob stores; the default image has none).
ARG BASE_IMAGE=python:3.12-slim

# Stage 1: the virtualenv, installed from the wheels alone. pip, the wheels and pip's cache stay
# in this stage.
FROM ${BASE_IMAGE} AS install
ARG WHEELS=build/wheels/py3.12
ARG EXTRAS=
COPY ${WHEELS}/ /tmp/wheels/
RUN python3 -m venv /opt/ferris-says \
    && /opt/ferris-says/bin/python -m pip install --no-index --no-cache-dir \
        --disable-pip-version-check --find-links /tmp/wheels "ferris-says${EXTRAS:+[$EXTRAS]}" \
    && /opt/ferris-says/bin/python -m pip uninstall --yes --disable-pip-version-check \
        pip setuptools wheel \
    && rm -f /opt/ferris-says/bin/activate* /opt/ferris-says/bin/Activate.ps1 \
    && /opt/ferris-says/bin/ferris-says --version \
    && test -f /opt/ferris-says/share/man/man1/ferris-says.1 \
    && /opt/ferris-says/bin/python /tmp/wheels/licences.py /opt/ferris-says/share/licenses

# The wheel brings the manual page (man finds it from PATH: /opt/ferris-says/bin ->
# /opt/ferris-says/share/man); share/licenses/PACKAGES.txt, generated from the installed
# packages' own metadata, lists each package with its licence text beside it: cowsay's GPL-3.0
# among them.

# Stage 2: the base, man, a user, the virtualenv. No compiler, no pip, no cache, no tests.
# `man ferris-says` works in the image: the local Debian base has man-db already (the build then
# runs offline); a base without `man` (python:*-slim) gets Debian's man-db from apt, which needs
# the network a plain `docker build` has (its manuals, documentation and translations left
# out, as in the local base). Without the network the build stops here, saying so.
FROM ${BASE_IMAGE}
ARG BASE_IMAGE
RUN if ! command -v man >/dev/null; then \
        { apt-get -o DPkg::Lock::Timeout=900 update -q \
          && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -q \
             --no-install-recommends -o DPkg::Options::=--path-exclude=/usr/share/man/* \
             -o DPkg::Options::=--path-exclude=/usr/share/locale/* \
             -o DPkg::Options::=--path-exclude=/usr/share/doc/* \
             -o DPkg::Options::=--path-include=/usr/share/doc/*/copyright man-db \
          && apt-get clean && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log; } \
        || { echo "error: the base image ${BASE_IMAGE} has no man and apt-get could not" \
                  "install man-db (a build without network? use one with it, or a base" \
                  "with man-db)" >&2; \
             exit 1; }; \
    fi \
    && man --version >/dev/null \
    && groupadd --gid 10001 ferris \
    && useradd --no-log-init --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home \
        --shell /usr/sbin/nologin ferris
COPY --from=install /opt/ferris-says /opt/ferris-says
# LANG: a UTF-8 locale for Python's own streams (ferris-says writes the bubble as UTF-8 bytes
# whatever the locale). PYTHONDONTWRITEBYTECODE: the modules were compiled at install, and the
# user cannot write there. No PYTHONUNBUFFERED: the bubble goes out in whole os.write calls and
# stderr is line-buffered, so each Pipes message reaches the log at once as one entry; unbuffered,
# Python writes a message and its newline separately, which podman logs as two entries.
ENV PATH=/opt/ferris-says/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 \
    PYTHONDONTWRITEBYTECODE=1
# Numeric, so that Kubernetes' runAsNonRoot can check it.
USER 10001:10001
ENTRYPOINT ["ferris-says"]
