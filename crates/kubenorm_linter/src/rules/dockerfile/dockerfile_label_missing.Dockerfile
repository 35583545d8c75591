# expect: dockerfile-label-missing
FROM alpine:3.19
LABEL maintainer="team@company.com"
---
FROM alpine:3.19
LABEL maintainer="team@company.com" "project"=shop
---
# MAINTAINER sets the author, not the label.
# expect: dockerfile-label-missing
FROM alpine:3.19
MAINTAINER team@company.com
LABEL project=shop
---
FROM alpine:3.19 AS base
LABEL maintainer=a project=b
FROM base
---
FROM alpine:3.19 AS build
LABEL maintainer=a project=b
# expect: dockerfile-label-missing
FROM alpine:3.19
COPY --from=build /x /x
