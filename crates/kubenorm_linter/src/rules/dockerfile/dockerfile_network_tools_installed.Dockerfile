FROM debian:12-slim
# expect: dockerfile-network-tools-installed
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10 ca-certificates \
# expect: dockerfile-network-tools-installed
    netcat-openbsd wget
---
FROM alpine:3.19
# expect: dockerfile-network-tools-installed
RUN apk add --no-cache socat
---
# A build stage may fetch with curl.
FROM alpine:3.19 AS fetch
RUN apk add --no-cache curl && curl -o /x https://example.com/x
FROM alpine:3.19
COPY --from=fetch /x /x
---
# Libraries and mentions are not tools.
FROM alpine:3.19
RUN apk add --no-cache libcurl ca-certificates && echo curl wget
---
FROM rockylinux:9
# expect: dockerfile-network-tools-installed
RUN dnf install -y nmap-ncat-7.92 && dnf clean all
