# No USER at all: the finding points at the final stage's FROM.
# expect: dockerfile-user-root
FROM alpine:3.19
RUN echo hi
---
FROM alpine:3.19
# expect: dockerfile-user-root
USER root
---
FROM alpine:3.19
USER 10001
# expect: dockerfile-user-root
USER 0:0
---
# A named user is a warning: runAsNonRoot needs a numeric UID.
FROM alpine:3.19
# expect: dockerfile-user-root
USER app
---
# USER of the base stage is inherited by the final stage.
FROM alpine:3.19 AS base
USER 10001
FROM base
RUN echo ok
---
# USER only in a build stage does not count.
FROM golang:1.22 AS build
USER 10001
# expect: dockerfile-user-root
FROM alpine:3.19
COPY --from=build /app /app
---
FROM alpine:3.19
ARG UID=10001
USER ${UID}
---
FROM alpine:3.19
ENV RUNAS=root
# expect: dockerfile-user-root
USER $RUNAS
---
# A build argument without default is not judged.
FROM alpine:3.19
ARG UID
USER ${UID}
---
# ONBUILD USER runs in other builds.
# expect: dockerfile-user-root
FROM alpine:3.19
ONBUILD USER 10001
---
FROM alpine:3.19
USER 10001:10001
