FROM debian:12-slim
# expect: dockerfile-package-manager-in-final-stage
RUN apt-get update && apt-get install -y --no-install-recommends curl
---
FROM alpine:3.19
# expect: dockerfile-package-manager-in-final-stage
RUN apk add --no-cache tzdata
---
# Mentions are not installs.
FROM alpine:3.19
RUN echo apt-get install curl && printf 'apk add x'
---
# Installs in a stage that is only copied from are the point.
FROM fedora:40 AS build
RUN dnf install -y gcc
FROM alpine:3.19
COPY --from=build /x /x
---
FROM rockylinux:9 AS base
# expect: dockerfile-package-manager-in-final-stage
RUN yum -y install httpd
FROM base
---
FROM debian:12
RUN set -eux; \
# expect: dockerfile-package-manager-in-final-stage
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y x
---
FROM alpine:3.19
RUN <<EOF
set -e
# expect: dockerfile-package-manager-in-final-stage
apk add --no-cache x
EOF
---
# A heredoc that is data, not a script.
FROM alpine:3.19
RUN cat <<EOF > /notes.txt
apk add --no-cache x
EOF
---
FROM opensuse/leap:15
# expect: dockerfile-package-manager-in-final-stage
RUN zypper -n in vim
---
FROM debian:12
# expect: dockerfile-package-manager-in-final-stage
RUN ["apt-get", "install", "-y", "x"]
---
FROM debian:12
ONBUILD RUN apt-get install -y x
---
FROM debian:12
# expect: dockerfile-package-manager-in-final-stage
RUN sh -c "apt-get update && apt-get install -y x"
---
FROM python:3.12-slim
RUN pip install --no-cache-dir flask
