import type { Database } from "@vextrus/platform/db";
import { rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { Counter, Gauge, type Registry } from "prom-client";

/** Business metrics of the organization service, registered on the service's own registry. */
export function createOrganizationMetrics(registry: Registry, db: Database) {
  const tenantsTotal = new Gauge({
    name: "vextrus_organization_tenants_total",
    help: "Tenants by status",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      const result = await db.privileged((tx) =>
        tx.execute(
          sql`select status::text as status, count(*)::int as n from organization.tenants group by status`,
        ),
      );
      this.reset();
      for (const row of rowsOf<{ status: string; n: number }>(result)) {
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
  return { tenantsTotal, tenantsCreated, departmentsCreated };
}

export type OrganizationMetrics = ReturnType<typeof createOrganizationMetrics>;
