# expect: dockerfile-base-image-floating
FROM harbor.company.com/base/python
---
# expect: dockerfile-base-image-floating
FROM harbor.company.com/base/python:latest
---
ARG TAG=latest
# expect: dockerfile-base-image-floating
FROM harbor.company.com/base/python:${TAG}
---
# A digest pins the image, whatever the tag.
FROM harbor.company.com/base/python:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
---
# A tag from a build argument without default (or an empty one) is not judged.
ARG TAG
FROM harbor.company.com/base/python:${TAG}
---
ARG WINDOWS_VERSION=
FROM harbor.company.com/windows/servercore:${WINDOWS_VERSION}
---
FROM harbor.company.com/base/python:3.12-slim AS build
FROM build
FROM scratch
---
ARG BASE=harbor.company.com/base/debian:12
FROM $BASE
---
# Stage names compare ignoring case.
FROM harbor.company.com/base/python:3.12 AS Builder
FROM builder
---
# expect: dockerfile-base-image-floating
FROM harbor.company.com/base/node:main AS web
---
# Defaults are expanded with the ARGs before them.
ARG TAG=latest
ARG IMAGE=harbor.company.com/base/python:${TAG}
# expect: dockerfile-base-image-floating
FROM ${IMAGE}
---
ARG KAFKA_VERSION
ARG BASE_IMAGE=harbor.company.com/base/kafka:${KAFKA_VERSION}
FROM ${BASE_IMAGE}
