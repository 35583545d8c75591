# expect: dockerfile-syntax-error
RUN echo before from
FROM alpine:3.19
---
FROM alpine:3.19
# expect: dockerfile-syntax-error
FOO bar
---
FROM alpine:3.19
# expect: dockerfile-syntax-error
ENV PATH
---
FROM alpine:3.19 AS a
# expect: dockerfile-syntax-error
FROM alpine:3.19 AS A
---
FROM alpine:3.19
# expect: dockerfile-syntax-error
RUN [1, 2]
---
FROM alpine:3.19
# expect: dockerfile-syntax-error
RUN <<EOF
echo never ends
---
ARG TAG=sha256
# expect: dockerfile-syntax-error
FROM spack/rockylinux8:${TAG}:c530b10099eeedad9d384ffc7419f355d93289b2e615143256186406ee04e275
---
# expect: dockerfile-syntax-error
FROM Alpine:3.19
---
# syntax=docker/dockerfile:1
# escape=`
FROM alpine:3.19
RUN echo a `
    b
ENTRYPOINT []
CMD ["run"]
