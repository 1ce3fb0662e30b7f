# greenproc for CI runners without Rust: a static binary on a small base.
#   docker build -t greenproc .
#   docker run --rm -v "$PWD:/site" -w /site greenproc check
# git is included because record histories are read with it; a site checked out by
# another user is still read (greenproc passes safe.directory to git).

# Build stage: the distribution profile, statically linked against musl.
FROM rust:1-alpine AS build
RUN apk add --no-cache musl-dev=~1.2
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src src
COPY themes themes
COPY benches benches
COPY tests tests
COPY README.md ./
COPY docs/ci docs/ci
RUN cargo build --locked --profile dist && cp target/dist/greenproc /greenproc

# Runtime: Alpine for git and CA certificates, and the binary; runs as a non-root user.
FROM alpine:3.20
RUN apk add --no-cache git=~2.45 \
    && adduser -D -u 10001 greenproc
COPY --from=build /greenproc /usr/local/bin/greenproc
USER 10001:10001
WORKDIR /site
ENTRYPOINT ["greenproc"]
CMD ["--help"]
