// The image's HEALTHCHECK (Dockerfile): exits 0 when this container's service answers on its own port,
// 1 otherwise. The port is the one the service reads itself: PORT, else the default of its env.ts.
//   bun scripts/healthcheck.ts [path]        path: /health/ready (default) or /health/live
const service = process.env.SERVICE ?? "";
const path = process.argv[2] ?? "/health/ready";
if (!/^[a-z][a-z-]*$/.test(service)) {
  console.error("healthcheck: SERVICE (the service folder this image runs) is not set");
  process.exit(1);
}

async function port(): Promise<number> {
  if (process.env.PORT) {
    return Number(process.env.PORT);
  }
  const env: { loadEnv: () => { PORT: number } } = await import(`../services/${service}/src/env.ts`);
  return env.loadEnv().PORT;
}

try {
  const response = await fetch(`http://127.0.0.1:${await port()}${path}`, {
    signal: AbortSignal.timeout(4_000),
  });
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`healthcheck: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

export {};
