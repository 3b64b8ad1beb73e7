import { checkAll, type HealthCheck } from "@vextrus/platform";
import type { ServiceTable } from "./routing.ts";

/** A service is ready when its own /health/ready says so (it checks its database and Kafka). */
function serviceReady(baseUrl: string): HealthCheck {
  return async () => {
    const res = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(1_400) });
    await res.body?.cancel();
    if (!res.ok) {
      throw new Error(`its /health/ready answered ${res.status}`);
    }
  };
}

/** Every service's readiness, checked in parallel; the answer takes at most the kit's check timeout. */
export function checkServices(table: ServiceTable) {
  return checkAll(Object.fromEntries(Object.entries(table).map(([name, url]) => [name, serviceReady(url)])));
}
