import type { Database } from "@vextrus/platform/db";
import { Counter, Gauge, type Registry } from "prom-client";
import { countTenantsByStatus } from "./domain/gauges.ts";

/** Business metrics of the organization service, registered on the service's own registry. */
export function createOrganizationMetrics(registry: Registry, db: Database) {
  const tenants = new Gauge({
    name: "vextrus_organization_tenants",
    help: "Tenants by status",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      const rows = await countTenantsByStatus(db);
      this.reset();
      for (const row of rows) {
        this.set({ status: row.status }, row.n);
      }
    },
  });
  const tenantsCreated = new Counter({
    name: "vextrus_organization_tenants_created_total",
    help: "Tenants registered by this process",
    registers: [registry],
  });
  const departmentsCreated = new Counter({
    name: "vextrus_organization_departments_created_total",
    help: "Departments created by this process",
    registers: [registry],
  });
  return { tenants, tenantsCreated, departmentsCreated };
}

export type OrganizationMetrics = ReturnType<typeof createOrganizationMetrics>;
