/**
 * The database the read benchmarks share: a fresh one on the PostgreSQL `npm test` would use,
 * organization's migrations applied, one tenant holding one company to read back by id.
 */
import { MIGRATIONS } from "@vextrus/organization/boot";
import { migrateService } from "@vextrus/platform/db";
import postgres from "postgres";
import { ensurePostgres } from "../test-infra/postgres.ts";

export async function seedOrganizationRead(label: string) {
  const pg = await ensurePostgres();
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  const dbName = `vx_bench_${label}_${Date.now()}`;
  await admin.unsafe(`create database ${dbName}`);
  const url = new URL(pg.url);
  url.pathname = `/${dbName}`;
  await migrateService({ url: url.toString() }, "organization", MIGRATIONS);

  const tenantId = Bun.randomUUIDv7();
  const companyId = Bun.randomUUIDv7();
  const seed = postgres(url.toString(), { max: 1, onnotice: () => {} });
  await seed.begin(async (tx) => {
    await tx`select set_config('app.tenant_id', ${tenantId}, true)`;
    await tx`insert into organization.tenants (id, slug, legal_name) values (${tenantId}, 'bench', 'Bench Ltd')`;
    await tx`insert into organization.companies (id, tenant_id, name) values (${companyId}, ${tenantId}, 'Bench Company')`;
  });
  await seed.end();

  return {
    databaseUrl: url.toString(),
    tenantId,
    companyId,
    async drop() {
      await admin.unsafe(`drop database ${dbName} with (force)`);
      await admin.end();
      await pg.stop();
    },
  };
}
