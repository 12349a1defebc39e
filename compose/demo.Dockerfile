# The demo memory service (demo/): mem0 with offline models over PostgreSQL, Redis, Neo4j and
# Elasticsearch, emitting the app's signals through @memstack/telemetry. Built by docker compose
# from the repository root.
ARG NODE_VERSION=20
FROM node:${NODE_VERSION}-bookworm-slim
# better-sqlite3 (mem0's history store) compiles when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ curl \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY telemetry/package.json telemetry/
COPY backend/package.json backend/
COPY demo/package.json demo/
RUN npm ci --no-audit --no-fund
COPY telemetry telemetry
COPY demo demo
RUN npm run build -w @memstack/telemetry
WORKDIR /app/demo
USER node
# A container's loopback is its own: listen on every address, so that Prometheus and `docker run
# -p` reach the demo (docker-compose.yml sets the same; outside a container the default is 127.0.0.1).
ENV DEMO_HOST=0.0.0.0
EXPOSE 8000
CMD ["node", "--import", "tsx", "src/main.ts"]
