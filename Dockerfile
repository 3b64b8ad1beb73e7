# One image for every Vextrus service. Choose the service with the SERVICE build arg
#   docker build --build-arg SERVICE=organization -t vextrus/organization .
# or override the command: docker run IMAGE bun services/<name>/src/main.ts

# Only the files `bun install` reads, so the dependency layer is rebuilt only when they change.
FROM oven/bun:1.4.5 AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name bun.lock ! -name bunfig.toml ! -name .npmrc -delete

FROM oven/bun:1.4.5 AS deps
WORKDIR /app
COPY --from=manifests /app ./
# --ignore-scripts: the root postinstall (scripts/postinstall.mjs) only exists to run this install.
RUN bun install --frozen-lockfile --production --ignore-scripts

FROM oven/bun:1.4.5
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app ./
COPY . .
ARG SERVICE=organization
ENV SERVICE=${SERVICE}
USER bun
CMD ["sh", "-c", "exec bun services/${SERVICE}/src/main.ts"]
