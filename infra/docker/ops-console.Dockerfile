# syntax=docker/dockerfile:1
# The ops console (apps/ops-console): the built single-page app and its small server, which
# passes /api/<service> to the services (set <SERVICE>_URL, e.g. LICENSING_URL=http://licensing:3001).
#
#   docker build -f infra/docker/ops-console.Dockerfile -t comms-credits/ops-console .
#
# The server uses Node's own modules only, so the runtime image has no node_modules at all.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /repo
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY libs/ops-console-model ./libs/ops-console-model
COPY apps/ops-console ./apps/ops-console
RUN npx vite build --config apps/ops-console/vite.config.mts --logLevel warn \
 && npx tsc -p apps/ops-console/tsconfig.server.json \
 && test -f dist/apps/ops-console/index.html && test -f dist/apps/ops-console-server/main.js

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /repo/dist/apps/ops-console ./public
COPY --from=build /repo/dist/apps/ops-console-server ./server
ENV NODE_ENV=production CONSOLE_DIST=/app/public HOST=0.0.0.0 PORT=3000
USER node
EXPOSE 3000
CMD ["node", "server/main.js"]
