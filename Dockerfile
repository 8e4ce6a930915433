# syntax=docker/dockerfile:1
# Quintet: one static binary with the web app embedded, run as a non-root user.

# 1. The web app (frontend/ is self-contained).
FROM node:20-bookworm-slim AS web
# The lock file is written by npm 11, as on the developers' machines.
RUN npm install -g npm@11
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci
COPY frontend/ ./
RUN npm run build

# 2. The binary. CGO is off: the embedded store's SQLite driver is pure Go.
# timetzdata builds the time zone database in, since meetings have time zones.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/frontend/dist ./frontend/dist
RUN CGO_ENABLED=0 go build -trimpath -tags timetzdata -ldflags="-s -w" -o /out/quintet ./cmd/quintet \
	&& mkdir -p /out/data

# 3. The image: no shell, no package manager; uid 65532 ("nonroot").
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/quintet /quintet
# The embedded store's data directory, used when QUINTET_MONGODB_URI is empty.
COPY --from=build --chown=65532:65532 /out/data /data
WORKDIR /data
ENV QUINTET_ADDR=0.0.0.0:8080 \
	QUINTET_DATA_DIR=/data
VOLUME /data
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["/quintet", "healthcheck"]
ENTRYPOINT ["/quintet", "serve"]
