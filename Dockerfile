# Ampledger as operators run it: the compiled server, production packages only, as user node.
#   docker build -t ampledger .
#   docker compose up        (two nodes beside EventStoreDB, PostgreSQL and Redis: docker-compose.yml)
# The build stage runs the same commands CI does (npm ci, npm run build); test/deployment checks it.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS production-packages
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=8080 \
    DATA_DIR=/data
WORKDIR /app
# the bundle reads its migrations and schemas from the source tree, at the paths it was built in
COPY --from=production-packages /app/node_modules node_modules
COPY --from=build /app/package.json package.json
COPY --from=build /app/dist dist
COPY --from=build /app/src src
COPY --from=build /app/projections projections
COPY --from=build /app/schemas schemas
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "--max-semi-space-size=64", "dist/ampledger.mjs"]
