# expect: dockerfile-base-image-heavy
FROM harbor.company.com/base/python:3.12
---
FROM harbor.company.com/base/python:3.12-slim
---
# Only the final image's base counts: a heavy builder is fine.
FROM harbor.company.com/base/golang:1.22 AS build
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /app /app
---
# The base is found through earlier stages.
# expect: dockerfile-base-image-heavy
FROM harbor.company.com/base/ubuntu:24.04 AS base
FROM base
---
FROM scratch
COPY app /app
---
# The registry host does not count.
# expect: dockerfile-base-image-heavy
FROM alpine.company.com/base/debian:12
---
ARG VARIANT=alpine
FROM harbor.company.com/base/node:20-${VARIANT}
---
ARG VARIANT
FROM harbor.company.com/base/node:20-${VARIANT}
