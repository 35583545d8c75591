# expect: dockerfile-secret-in-env
ARG GITHUB_TOKEN=ghp_abc
FROM alpine:3.19
# expect: dockerfile-secret-in-env
ENV DB_PASSWORD=s3cr3t APP=web
---
FROM alpine:3.19
# expect: dockerfile-secret-in-env
ENV API_KEY some-literal-key
---
# No default, references, empty values and paths to mounted secrets are fine.
FROM alpine:3.19
ARG NPM_TOKEN
ENV NPM_TOKEN=${NPM_TOKEN} DB_PASSWORD="" DB_PASSWORD_FILE=/run/secrets/db
---
FROM alpine:3.19
ENV MODULE_NAME=app
---
FROM alpine:3.19
# expect: dockerfile-secret-in-env
ONBUILD ENV SECRET_KEY=abc
