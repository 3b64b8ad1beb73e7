import { checkAll, type HealthCheck } from "@vextrus/platform";
import type { ReplicaTable } from "./replicas.ts";

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

/** Ready when any of a service's replicas is (the gateway sends each request to a ready one). */
function anyReady(urls: readonly string[]): HealthCheck {
  const checks = urls.map(serviceReady);
  return () =>
    checks.length === 1 ? (checks[0] as HealthCheck)() : Promise.any(checks.map((check) => check()));
}

/** Every service's readiness, checked in parallel; the answer takes at most the kit's check timeout. */
export function checkServices(replicas: ReplicaTable) {
  return checkAll(Object.fromEntries(Object.entries(replicas).map(([name, urls]) => [name, anyReady(urls)])));
}
