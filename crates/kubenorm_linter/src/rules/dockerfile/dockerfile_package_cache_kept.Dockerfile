FROM debian:12-slim
# expect: dockerfile-package-cache-kept
RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
---
# Cleanup in a later RUN does not shrink the earlier layer.
FROM debian:12-slim
# expect: dockerfile-package-cache-kept
RUN apt-get update && apt-get install -y --no-install-recommends curl
RUN rm -rf /var/lib/apt/lists/*
---
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
---
# An rm that runs only when the install fails cleans nothing.
FROM debian:12-slim
# expect: dockerfile-package-cache-kept
RUN apt-get update && apt-get install -y --no-install-recommends curl || rm -rf /var/lib/apt/lists/*
---
FROM debian:12-slim
# expect: dockerfile-package-cache-kept
RUN apt-get install -y --no-install-recommends x && echo rm -rf /var/lib/apt/lists/*
---
# Cache mounts are not part of the layer.
FROM debian:12-slim
RUN --mount=type=cache,target=/var/lib/apt,sharing=locked --mount=type=cache,target=/var/cache/apt \
    apt-get update && apt-get install -y --no-install-recommends curl
---
FROM alpine:3.19
# expect: dockerfile-package-cache-kept
RUN apk add curl
---
FROM alpine:3.19
RUN apk --no-cache add curl && apk add --no-network --virtual .rundeps so:libc.musl-x86_64.so.1
---
FROM alpine:3.19
RUN --mount=type=cache,target=/var/cache/apk apk add curl
---
FROM python:3.12-slim
# expect: dockerfile-package-cache-kept
RUN pip install -r requirements.txt
---
FROM python:3.12-slim
RUN pip install --no-cache-dir -r requirements.txt && python -m pip install --no-cache-dir x
---
FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR=1
RUN pip install flask
---
FROM python:3.12-slim
RUN --mount=type=cache,target=/root/.cache/pip pip install flask
---
# Caches of a stage that is only copied from are not shipped.
FROM python:3.12-slim AS build
RUN pip install flask
FROM python:3.12-slim
COPY --from=build /usr/local /usr/local
---
FROM debian:12-slim
RUN apt-get -o APT::Install-Recommends=false install -y x && rm -rf /var/lib/apt/lists
---
# apt 2.7's dist-clean removes the lists too.
FROM debian:13-slim
RUN apt-get update; apt-get install -y --no-install-recommends x; apt-get dist-clean
---
# The lists are written by update: a RUN of its own keeps them in its layer.
FROM debian:12-slim
# expect: dockerfile-package-cache-kept
RUN apt-get update
RUN apt-get install -y --no-install-recommends x && rm -rf /var/lib/apt/lists/*
