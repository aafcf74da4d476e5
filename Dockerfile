# syntax=docker/dockerfile:1.7
# The modelport server as a production image: the built-in models, ONNX Runtime's CPU binaries, the
# production dependencies only, run as a non-root user. Build from the repository root:
#   docker build -t modelport .
#   docker run -p 8080:8080 -v "$PWD/models:/models:ro" modelport
# test/fleet/production-folder.test.ts builds and starts the same /app folder without Docker.

ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: the whole workspace, then `pnpm deploy` of the server into /app -------------------------
FROM ${NODE_IMAGE} AS build
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true
RUN npm install --global pnpm@10.34.9
WORKDIR /workspace
# The lockfile alone decides what is downloaded, so this layer is cached until it changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm fetch
COPY . .
# pnpm 10 runs no dependency build script unless pnpm-workspace.yaml lists it: onnxruntime-node's would
# download CUDA libraries, and the CPU binaries ship in its npm package already.
# `--legacy`: pnpm 10 deploys a workspace package only with injected workspace dependencies otherwise.
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --offline --filter "@modelport/server..." \
 && pnpm --filter "@modelport/server..." build \
 && pnpm --filter @modelport/server deploy --prod --legacy /app
# ONNX Runtime ships binaries for every OS and CPU (288 MB); keep the target's.
ARG TARGETARCH
RUN sh deploy/image/prune-onnxruntime.sh /app "${TARGETARCH:-$(uname -m)}"

# ---- runtime ----------------------------------------------------------------------------------------
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    MODELPORT_MODELS=/models
WORKDIR /app
COPY --from=build --chown=root:root /app /app
# The repository is a mount point (a volume, or KServe's /mnt/models through MODELPORT_MODELS); it is
# writable by the server only for `modelport pull`.
RUN mkdir -p /models && chown 1000:1000 /models
# The image's `node` user, by number so that Kubernetes can check runAsNonRoot.
USER 1000:1000
EXPOSE 8080
# Node runs as PID 1: the server handles SIGTERM and SIGINT itself (drain, then exit) and starts no
# child processes, so there is nothing for an init to reap.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/v2/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/dist/cli.js"]
CMD ["serve"]
