// Test support for the suites that run `scripts/start.ts` as users do: every service (one folder
// under services/, so a new service is covered without editing a list) on a free loopback port.
import { readdirSync } from "node:fs";
import { join } from "node:path";

export const EMBEDDED_SERVICES = readdirSync(join(import.meta.dir, "..", "services"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** The variable that moves a service, e.g. `RULES_ENGINE_PORT`. */
export const portVariable = (service: string) => `${service.toUpperCase().replaceAll("-", "_")}_PORT`;

async function freePort(): Promise<number> {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = server.port ?? 0;
  await server.stop();
  return port;
}

/** `<SERVICE>_PORT` for every service, each a port free right now. */
export async function embeddedPorts(): Promise<Record<string, string>> {
  const ports: Record<string, string> = {};
  for (const service of EMBEDDED_SERVICES) {
    ports[portVariable(service)] = String(await freePort());
  }
  return ports;
}
