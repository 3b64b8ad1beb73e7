// Test support for the suites that run `scripts/start.ts` as users do: every service (one folder
// under services/, so a new service is covered without editing a list) on a free loopback port.
import { readdirSync } from "node:fs";
import { join } from "node:path";

export const EMBEDDED_SERVICES = readdirSync(join(import.meta.dir, "..", "services"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** The variable that moves a service, e.g. `RULES_ENGINE_PORT`. */
export const portVariable = (service: string) => `${service.toUpperCase().replaceAll("-", "_")}_PORT`;

/**
 * Ports are drawn at random below the kernel's ephemeral range (32768-60999 on Linux), where neither
 * another test's `listen(0)` nor an outgoing connection's local port can take one between this pick
 * and `npm start` binding it (a port from `listen(0)` could be, and was: EADDRINUSE in CI). Each is
 * checked free now; the suites running at the same time pick from 12,000 ports.
 */
const LOWEST = 20_000;
const SPAN = 12_000;

function isFree(port: number): boolean {
  try {
    Bun.serve({ port, hostname: "127.0.0.1", fetch: () => new Response() }).stop(true);
    return true;
  } catch {
    return false;
  }
}

/** `<SERVICE>_PORT` for every service, each a distinct port free right now. */
export async function embeddedPorts(): Promise<Record<string, string>> {
  const ports: Record<string, string> = {};
  const taken = new Set<number>();
  for (const service of EMBEDDED_SERVICES) {
    let port = 0;
    do {
      port = LOWEST + Math.floor(Math.random() * SPAN);
    } while (taken.has(port) || !isFree(port));
    taken.add(port);
    ports[portVariable(service)] = String(port);
  }
  return ports;
}
