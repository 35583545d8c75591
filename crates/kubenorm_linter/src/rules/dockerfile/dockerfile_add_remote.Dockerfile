FROM alpine:3.19
# expect: dockerfile-add-remote
ADD https://example.com/tool.tar.gz /opt/
---
FROM alpine:3.19
# expect: dockerfile-add-remote
ADD --checksum=sha256:abc git@github.com:org/repo.git /src
---
# A plain local file is a warning: use COPY.
FROM alpine:3.19
# expect: dockerfile-add-remote
ADD app.jar /app/app.jar
---
# Unpacking a local archive is what ADD is for.
FROM alpine:3.19
ADD rootfs.tar.gz /
COPY app.jar /app/app.jar
---
FROM alpine:3.19
# expect: dockerfile-add-remote
ADD ["http://example.com/a b", "/x"]
---
FROM alpine:3.19
# expect: dockerfile-add-remote
ONBUILD ADD https://example.com/x /x
