# One image for every Vextrus service; the SERVICE build arg chooses the one it runs:
#   docker build --build-arg SERVICE=organization -t vextrus/organization .
# The same image runs the one-shot steps (compose's `migrate` and `kafka-topics`):
#   docker run IMAGE bun scripts/migrate.ts
# No Docker engine runs in our tests: scripts/dockerfile.test.ts replays every COPY and RUN below on the
# files they select, installs, and boots each service from the result. Keep RUN steps relative to WORKDIR.

# 1. What `bun install` reads and nothing else, so the dependency layer below is rebuilt only when one of
#    these changes: every package.json, the lockfile, bunfig.toml, .npmrc and the patches that package.json
#    names under patchedDependencies (a patch left out fails the install with "patch file not found").
FROM oven/bun:1.4.5 AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name bun.lock ! -name bunfig.toml ! -name .npmrc ! -path "./scripts/patches/*" -delete && find . -type d -empty -delete

# 2. Production dependencies only (no TypeScript, Biome, test containers or other devDependencies).
#    --omit=peer: peers nothing imports at run time (TypeScript, for tRPC's types). --ignore-scripts: the root
#    postinstall (scripts/postinstall.mjs) only exists to run this install.
FROM oven/bun:1.4.5 AS deps
WORKDIR /app
COPY --from=manifests /app ./
RUN bun install --frozen-lockfile --production --omit=peer --ignore-scripts

# 3. The console (apps/console, served by the gateway at /): Vite needs the dev dependencies, so it is
#    built here and only its dist/ goes on (Vite under Bun gives the same files as under Node).
FROM oven/bun:1.4.5 AS console
WORKDIR /app
COPY --from=manifests /app ./
RUN bun install --frozen-lockfile --ignore-scripts
COPY . .
WORKDIR /app/apps/console
ENV NODE_ENV=production
RUN bun --bun ../../node_modules/vite/bin/vite.js build --logLevel warn

# 4. The runtime: dependencies, then the source (.dockerignore keeps node_modules, tests and local data
#    out), then the built console, run as the image's unprivileged `bun` user.
FROM oven/bun:1.4.5 AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app ./
COPY . .
COPY --from=console /app/apps/console/dist ./apps/console/dist
ARG SERVICE=organization
ENV SERVICE=${SERVICE}
USER bun
# Ready = the service and its PostgreSQL and Kafka answer (its own PORT, else the default its env.ts sets).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=6 CMD ["bun", "scripts/healthcheck.ts"]
CMD ["sh", "-c", "exec bun services/${SERVICE}/src/main.ts"]
