# syntax=docker/dockerfile:1
# One image for every Warren app; the command picks the app:
#   node dist/apps/<runtime|gateway|scheduler>/src/main.js

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 (the embedded store) compiles when no prebuilt binary fits.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build \
  && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# Code stays owned by root (read-only for the app); only the embedded store's directory is writable.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/config ./config
RUN mkdir -p /app/.warren-data && chown node:node /app/.warren-data
USER node
EXPOSE 3000
CMD ["node", "dist/apps/runtime/src/main.js"]
