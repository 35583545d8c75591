# kubenorm: the CLI and the admission webhook (`kubenorm serve`), one binary.
#   docker build -t harbor.company.com/tools/kubenorm:0.1.0 .
# Multi-stage: built in the Rust image, shipped on distroless (glibc, no
# shell, no package manager), as a numeric non-root user.

# kubenorm-ignore: dockerfile-base-image-untrusted -- public images so anyone can build; mirror them into the company registry
FROM rust:1.85-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock rustfmt.toml ./
COPY crates ./crates
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p kubenorm \
    && cp target/release/kubenorm /kubenorm

# kubenorm-ignore: dockerfile-base-image-untrusted -- see above
FROM gcr.io/distroless/cc-debian12:nonroot
LABEL maintainer="platform-team@company.com" \
      project="kubenorm" \
      org.opencontainers.image.source="kubenorm" \
      org.opencontainers.image.description="kubenorm: the containerization handbook as a linter and an admission webhook"
COPY --from=build /kubenorm /usr/local/bin/kubenorm
USER 65532:65532
EXPOSE 8443 9090
ENTRYPOINT ["/usr/local/bin/kubenorm"]
CMD ["serve", "--tls-cert=/etc/kubenorm/tls/tls.crt", "--tls-key=/etc/kubenorm/tls/tls.key"]
