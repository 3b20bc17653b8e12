# syntax=docker/dockerfile:1
# ghaecr-console in a container. Two targets, built by CI's matrix and promoted by CD:
#   minimal  the console alone (talks to GitHub and ECR)
#   runtime  the console plus its sandbox (moto's ECR server, the GitHub stand-in), so
#            `docker run --rm -it <image> --sandbox` works with no credentials at all.
# The base image is pinned by digest (python:3.11-slim, multi-platform index), written literally
# in the FROM line so Dependabot's "docker" ecosystem can update it (it does not follow ARGs).
# Refresh by hand with:
#   docker buildx imagetools inspect python:3.11-slim --format '{{json .Manifest.Digest}}'
# Python dependencies come from hash-pinned locks (requirements/<target>/requirements.txt, the
# name scanners look for; written by requirements/lock.py): pip refuses any file whose sha256 is not the locked one.
FROM python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7 AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# A fixed, unprivileged user: the console never needs root.
RUN useradd --create-home --uid 10001 --user-group --shell /usr/sbin/nologin console

# Build the project's wheel once; both targets install that same file (without dependencies:
# those come from the locks).
FROM base AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY console ./console
RUN pip wheel --no-deps --wheel-dir /wheels .

FROM base AS minimal
RUN --mount=type=bind,source=requirements/minimal/requirements.txt,target=/tmp/minimal.txt \
    --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --require-hashes --no-deps --requirement /tmp/minimal.txt \
 && pip install --no-deps /wheels/*.whl
USER 10001:10001
WORKDIR /home/console
# An interactive CLI, not a daemon: there is nothing to probe.
HEALTHCHECK NONE
ENTRYPOINT ["ghaecr-console"]
CMD ["--help"]

# The runtime target adds the "sandbox" extra (moto's ECR server, the ASGI server), locked too.
FROM base AS runtime
RUN --mount=type=bind,source=requirements/runtime/requirements.txt,target=/tmp/runtime.txt \
    --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --require-hashes --no-deps --requirement /tmp/runtime.txt \
 && pip install --no-deps /wheels/*.whl
USER 10001:10001
WORKDIR /home/console
HEALTHCHECK NONE
ENTRYPOINT ["ghaecr-console"]
CMD ["--help"]
