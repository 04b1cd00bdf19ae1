# syntax=docker/dockerfile:1
# One image per service of the monorepo, chosen with the build arg APP:
#
#   docker build -f infra/docker/service.Dockerfile --build-arg APP=pool-ledger -t comms-credits/pool-ledger .
#
# (docker compose builds all five: see docker-compose.yml.) The build context is the repository
# root; .dockerignore keeps node_modules, dist and local state out of it.
#
# Stages: deps (all packages, for the build) -> build (nx build $APP) ; prod-deps (runtime
# packages only) ; runtime = prod-deps' node_modules + the app's dist, run as the user `node`.
# deps and prod-deps depend only on package*.json, so all five images share them from the cache.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- all packages, dev tools included (nx, typescript, tsc-alias) ---------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /repo
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# --- compile one app: tsc + tsc-alias into dist/apps/$APP ------------------------------------
FROM deps AS build
ARG APP
RUN test -n "$APP" || { echo 'build arg APP is required, e.g. --build-arg APP=pool-ledger' >&2; exit 1; }
COPY nx.json tsconfig.base.json ./
COPY libs ./libs
COPY apps ./apps
# No Nx daemon or cloud inside a build step: one process, nothing left running.
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
RUN npx nx build "$APP" \
 && test -f "dist/apps/$APP/apps/$APP/src/main.js"

# --- runtime packages only ---------------------------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /repo
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# --- the service -------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG APP
ENV NODE_ENV=production \
    APP=${APP} \
    HOST=0.0.0.0
WORKDIR /app
# Owned by root, read-only for the service's user: the code cannot be changed at run time.
# dist keeps its layout (dist/apps/$APP/...): the compiled code finds /app/node_modules from there.
COPY --from=prod-deps /repo/node_modules ./node_modules
COPY --from=prod-deps /repo/package.json ./package.json
COPY --from=build /repo/dist/apps/${APP} ./dist/apps/${APP}
USER node
# `exec` so that node is the process that receives SIGTERM and shuts down cleanly.
CMD ["sh", "-c", "exec node dist/apps/$APP/apps/$APP/src/main.js"]
