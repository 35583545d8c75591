FROM debian:12
# expect: dockerfile-package-db-deleted
RUN rm -rf /var/lib/dpkg/info
---
FROM debian:12
RUN apt-get update \
# expect: dockerfile-package-db-deleted
    && rm -rf /var/lib/dpkg/ /tmp/*
---
FROM alpine:3.19
# expect: dockerfile-package-db-deleted
RUN rm -rf /lib/apk/db && echo done
---
FROM rockylinux:9
# expect: dockerfile-package-db-deleted
RUN rm -rf /var/lib/rpm/*
---
# Neighbours and mentions are not the database.
FROM debian:12
RUN rm -rf /var/lib/apt/lists/* /var/lib/dpkg-backup /var/lib/dpkg/*-old && echo rm -rf /var/lib/dpkg
---
FROM debian:12 AS build
# expect: dockerfile-package-db-deleted
RUN rm -rf //var/lib/dpkg/status
FROM scratch
COPY --from=build /x /x
