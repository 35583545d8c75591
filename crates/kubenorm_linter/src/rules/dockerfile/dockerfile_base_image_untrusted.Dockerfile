# config: {images: {registries: [harbor.company.com]}}
# expect: dockerfile-base-image-untrusted
FROM python:3.12-slim
---
# Ports compare exactly.
# expect: dockerfile-base-image-untrusted
FROM harbor.company.com:8443/base/python:3.12-slim
---
# Earlier stages and scratch are not images.
FROM harbor.company.com/base/python:3.12-slim AS build
FROM build
FROM scratch
---
ARG REGISTRY=docker.io
# expect: dockerfile-base-image-untrusted
FROM ${REGISTRY}/library/debian:12
---
# A registry from a build argument without default is not judged.
ARG REGISTRY
FROM ${REGISTRY}/base/debian:12
---
FROM harbor.company.com/base/debian:12 AS a
# expect: dockerfile-base-image-untrusted
FROM --platform=$BUILDPLATFORM ghcr.io/org/tool:1.0 AS b
---
# The registry is known even when the tag is not.
ARG KAFKA_VERSION
ARG BASE_IMAGE=quay.io/strimzi/kafka:latest-kafka-${KAFKA_VERSION}
# expect: dockerfile-base-image-untrusted
FROM ${BASE_IMAGE}
