# syntax=docker/dockerfile:1
# One image for every Warren app; the command picks the app:
#   node dist/apps/<runtime|gateway|scheduler>/src/main.js      (warren-ops: node bin/warren-ops.js)
# Node 24, the active LTS (Node 20 reached its end of life in April 2026; package.json engines: >=22).

FROM node:24-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 (the embedded store) compiles when no prebuilt binary fits.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# package.json's allowScripts lets only better-sqlite3 and @swc/core run install scripts; an npm
# that predates allowScripts runs them all, so the telemetry postinstall is switched off here too.
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build \
  && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# Code stays owned by root (read-only for the app); only the embedded store's directory is writable.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/config ./config
COPY --from=build /app/bin ./bin
COPY --from=build /app/docker/healthcheck.js ./docker/healthcheck.js
RUN mkdir -p /app/.warren-data && chown node:node /app/.warren-data
USER node
EXPOSE 3000 9464 9465
# /health of whichever app runs (the gateway's PORT, the runtime's 9464, the scheduler's 9465).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 CMD ["node", "docker/healthcheck.js"]
CMD ["node", "dist/apps/runtime/src/main.js"]
