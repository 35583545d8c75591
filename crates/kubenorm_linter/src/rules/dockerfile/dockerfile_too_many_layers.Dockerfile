# config: {images: {maxLayers: 3}}
FROM alpine:3.19
RUN a
COPY a /a
ADD b.tar /
# expect: dockerfile-too-many-layers
RUN d
RUN e
---
FROM alpine:3.19
RUN a
ENV X=1
COPY a /a
RUN b
---
# Layers of the stage the final one is built FROM count.
FROM alpine:3.19 AS base
RUN a
RUN b
FROM base
COPY x /x
# expect: dockerfile-too-many-layers
RUN c
---
# A build stage's layers are not shipped.
FROM alpine:3.19 AS build
RUN a
RUN b
RUN c
RUN d
FROM alpine:3.19
COPY --from=build /x /x
