# syntax=docker/dockerfile:1.7
# Voxie creator-agent worker. Build from the repository root:
#   docker build -f deploy/docker/voxie.Dockerfile -t voxie/voxie .
ARG NODE_VERSION=20.19

# --- build: the whole workspace with dev dependencies, compiled by tsc through turbo ----------
FROM node:${NODE_VERSION}-bookworm-slim AS build
# onnxruntime-node (voice plugins) would download GPU add-ons at install time; its CPU binaries
# ship in the package. pnpm 10 keeps dependency install scripts off anyway (pnpm-workspace.yaml).
ENV ONNXRUNTIME_NODE_INSTALL=skip CI=true TURBO_TELEMETRY_DISABLED=1 PNPM_HOME=/pnpm PATH=/pnpm:$PATH
RUN npm install -g pnpm@10
WORKDIR /repo
# Lockfile first: the package download layer stays cached until dependencies change.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm fetch
COPY . .
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm install --frozen-lockfile --offline
RUN pnpm exec turbo run build --filter=@voxie/voxie
# Only this app's production dependencies, workspace packages copied with their dist/. The
# packages come from the store `pnpm fetch` filled, at the lockfile's versions; deploy re-reads
# their registry metadata (rewritten catalog:/workspace: ranges), so it may not run --offline.
# onnxruntime-node ships binaries for every OS (~160 MB for darwin + win32): keep linux only.
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm --filter=@voxie/voxie deploy --prod --legacy --prefer-offline /out \
 && rm -rf /out/src /out/tsconfig*.json /out/vitest.config.ts /out/.turbo /out/.test-results \
 && find /out/node_modules/.pnpm -maxdepth 6 -type d -path '*onnxruntime-node/bin/napi-v*/*' \
      \( -name darwin -o -name win32 \) -prune -exec rm -rf {} +

# --- runtime: node, the built app and its production node_modules, as a non-root user --------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=8082
WORKDIR /app
COPY --from=build --chown=node:node /out /app
USER node
EXPOSE 8082
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || '8082') + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM reaches node directly (exec form): the app drains and exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
