import { Counter, type Registry } from "prom-client";

/** Business metrics of the auth service, registered on the service's own registry. */
export function createAuthMetrics(registry: Registry) {
  const logins = new Counter({
    name: "vextrus_auth_logins_total",
    help: "Sign-in attempts by outcome",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const refreshes = new Counter({
    name: "vextrus_auth_refreshes_total",
    help: "Refresh-token presentations by outcome (reuse revokes the session)",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const registrations = new Counter({
    name: "vextrus_auth_registrations_total",
    help: "Tenant registrations by outcome",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  return { logins, refreshes, registrations };
}

export type AuthMetrics = ReturnType<typeof createAuthMetrics>;
