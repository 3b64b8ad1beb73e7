/**
 * The embedded default runs the same migration files as PostgreSQL: apply every service's migrations
 * to one PGlite database and check that tenant isolation holds there too.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { APP_ROLE, migrateService, pgliteDatabase, rowsOf } from "@vextrus/platform/db";
import { openPglite } from "@vextrus/platform/pglite";
import { sql } from "drizzle-orm";

const root = join(import.meta.dir, "..", "drizzle");
const services = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

let pglite: PGlite;
beforeAll(async () => {
  pglite = await openPglite();
});
afterAll(async () => {
  await pglite.close();
});

test("every service's migrations apply to PGlite, twice without change", async () => {
  expect(services).toContain("organization");
  for (const service of services) {
    await migrateService({ pglite }, service, join(root, service));
    await migrateService({ pglite }, service, join(root, service));
  }
  const { rows } = await pglite.query<{ nspname: string }>(
    "select nspname from pg_namespace where nspname = any($1::text[])",
    [services.map((s) => s.replaceAll("-", "_"))],
  );
  expect(rows.map((r) => r.nspname).sort()).toEqual(services.map((s) => s.replaceAll("-", "_")).sort());
}, 60_000);

test("on PGlite too, every tenant table forces row-level security and a tenant sees only its rows", async () => {
  const { rows: unforced } = await pglite.query<{ relname: string }>(`
    select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id'
    where c.relkind = 'r' and n.nspname <> 'drizzle' and not c.relforcerowsecurity
      -- outboxes and inboxes are infrastructure read across tenants by relays/consumers (insert-only for the app)
      and c.relname not in ('outbox', 'inbox')`);
  expect(unforced).toEqual([]);

  const db = pgliteDatabase({ client: pglite, appRole: APP_ROLE });
  const a = Bun.randomUUIDv7();
  const b = Bun.randomUUIDv7();
  for (const id of [a, b]) {
    await db.tenant(id, (tx) =>
      tx.execute(
        sql`insert into organization.tenants (id, slug, legal_name) values (${id}, ${`t-${id.slice(-8)}`}, 'PGlite Ltd')`,
      ),
    );
  }
  const seen = await db.tenant(a, async (tx) =>
    rowsOf<{ id: string }>(await tx.execute(sql`select id from organization.tenants`)),
  );
  expect(seen.map((r) => r.id)).toEqual([a]);
  const forged = db.tenant(a, (tx) =>
    tx.execute(
      sql`insert into organization.companies (id, tenant_id, name) values (${Bun.randomUUIDv7()}, ${b}, 'forged')`,
    ),
  );
  await expect(forged).rejects.toThrow();
  const none = await pglite.transaction(async (tx) => {
    await tx.query(`set local role ${APP_ROLE}`);
    return (await tx.query<{ n: number }>("select count(*)::int as n from organization.tenants")).rows[0]?.n;
  });
  expect(none).toBe(0);
});
