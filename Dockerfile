# tillstream: the service only. Postgres is yours: DATABASE_URL is required here (15 or newer);
# the embedded Postgres is for development and tests, not for containers.
FROM oven/bun:1-slim
WORKDIR /app
ENV NODE_ENV=production PORT=3000 SEED_DEMO=false
COPY package.json bun.lock ./
# bun applies .patches/ (a fix to the postgres client) while installing.
COPY .patches ./.patches
RUN bun install --frozen-lockfile --production --ignore-scripts
COPY src ./src
COPY sql ./sql
COPY views ./views
USER bun
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD bun -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Fail fast with a clear message when DATABASE_URL is missing.
CMD ["sh", "-c", "[ -n \"$DATABASE_URL\" ] || { echo 'DATABASE_URL is required in the container (Postgres 15+)'; exit 1; }; exec bun src/main.ts"]
