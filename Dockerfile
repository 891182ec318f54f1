# syntax=docker/dockerfile:1

# complaintflow image: one image holding both binaries, /usr/local/bin/worker and
# /usr/local/bin/starter. docker-compose.yml picks the process with `command:`
# (["worker"], ["starter", "migrate"] or ["starter", "serve"]).

# ---- console assets ---------------------------------------------------------
# The console's chart library comes from npm's lockfile, as `make console-assets`
# takes it on a developer machine.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && \
    mkdir -p /out/vendor && cp node_modules/echarts/dist/echarts.min.js /out/vendor/

# ---- build ------------------------------------------------------------------
FROM golang:1.27-bookworm AS build
WORKDIR /src

# Dependencies first so that they are cached across source edits.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download

COPY . .
COPY --from=assets /out/vendor internal/console/static/vendor

# Set by BuildKit for multi-platform builds (docker buildx build --platform ...).
ARG TARGETOS
ARG TARGETARCH
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH} \
    go build -trimpath -ldflags="-s -w" -o /out/worker ./worker && \
    CGO_ENABLED=0 GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH} \
    go build -trimpath -ldflags="-s -w" -o /out/starter ./starter

# ---- runtime ----------------------------------------------------------------
# Distroless static: CA certificates and tzdata, no shell and no package manager,
# runs as uid 65532 (nonroot). Because there is no shell/curl/wget, compose
# defines no in-container HTTP healthcheck for the app services.
FROM gcr.io/distroless/static-debian12:nonroot AS runtime
COPY --from=build /out/worker /out/starter /usr/local/bin/
USER nonroot:nonroot
# 8080: starter HTTP API (/healthz, /readyz, /metrics, /v1/...); 9464: worker /metrics.
EXPOSE 8080 9464
CMD ["starter", "serve"]
