// Embedded mode (`npm start` without KAFKA_BROKERS): organization and audit in one process on one
// PGlite, events carried by the in-process bus. State changes through organization's public
// procedures while the audit service restarts: every change is recorded exactly once and every
// tenant's chain verifies.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { PGlite } from "@electric-sql/pglite";
import { type Booted, bootAudit } from "@vextrus/audit/boot";
import { AuditEnv } from "@vextrus/audit/env";
import { createInProcessBus, type InProcessBus } from "@vextrus/events";
import { bootOrganization } from "@vextrus/organization/boot";
import { OrganizationEnv } from "@vextrus/organization/env";
import { createLogger, type Logger } from "@vextrus/platform";
import { createTestSigner, type TestSigner } from "@vextrus/platform/testing";
import {
  callerFor,
  freePort,
  inParallel,
  organizationWorkload,
  PLATFORM_PERMISSIONS,
  waitUntil,
} from "./support.ts";

const CHANGES = 2_000;
const TENANTS = 4;

let pglite: PGlite;
let bus: InProcessBus;
let signer: TestSigner;
let log: Logger;
let organization: Booted;
let audit: Booted;
const logLines: string[] = [];

const stopAll = async (booted: Booted) => {
  for (const part of booted.parts) {
    await part.stop();
  }
};

const startAudit = () =>
  bootAudit(AuditEnv.parse({ PORT: String(freePort()), JWT_PUBLIC_KEY: signer.publicKey }), {
    pglite,
    log,
    bus,
  });

beforeAll(async () => {
  log = createLogger({ level: "info", write: (line) => logLines.push(line) });
  signer = await createTestSigner();
  pglite = await PGlite.create();
  bus = createInProcessBus({ log });
  organization = await bootOrganization(
    OrganizationEnv.parse({ PORT: String(freePort()), JWT_PUBLIC_KEY: signer.publicKey }),
    { pglite, log, bus },
  );
  audit = await startAudit();
  bus.start();
}, 60_000);

afterAll(async () => {
  await stopAll(organization);
  await stopAll(audit);
  await bus.close();
  await pglite.close();
}, 30_000);

async function count(sql: string, tenantIds: string[]): Promise<number> {
  const result = await pglite.query<{ n: number }>(sql, [tenantIds]);
  return result.rows[0]?.n ?? 0;
}

test(`${CHANGES} changes while the audit service restarts: each recorded once, every chain verifies`, async () => {
  const operator = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: PLATFORM_PERMISSIONS });
  const tenants = await Promise.all(
    Array.from({ length: TENANTS }, async (_, i) => {
      const tenant = await callerFor(organization.url, operator).mutate<{ id: string }>("tenants.create", {
        slug: `embedded-${i}-${Bun.randomUUIDv7().slice(-8)}`,
        legalName: `Embedded ${i} Ltd`,
      });
      const token = await signer.sign({ tenantId: tenant.id, permissions: ["organization:*", "audit:*"] });
      return { id: tenant.id, token };
    }),
  );
  const ids = tenants.map((t) => t.id);
  let made = TENANTS;
  let restarted = false;
  const perTenant = Math.ceil((CHANGES - TENANTS) / TENANTS);
  await inParallel(tenants, TENANTS, async (tenant) => {
    await organizationWorkload(callerFor(organization.url, tenant.token), perTenant, async () => {
      made++;
      if (!restarted && made >= CHANGES / 3) {
        restarted = true;
        await stopAll(audit);
        audit = await startAudit();
      }
    });
  });
  expect(restarted).toBe(true);
  const changes = await count(
    `select count(*)::int as n from organization.outbox where tenant_id = any($1)`,
    ids,
  );
  expect(changes).toBeGreaterThanOrEqual(CHANGES);

  const settled = await waitUntil(
    async () =>
      (await count(`select count(*)::int as n from audit.log_entries where tenant_id = any($1)`, ids)) >=
      changes,
    60_000,
    100,
  );
  expect(settled).toBe(true);
  const missing = await count(
    `select count(*)::int as n from organization.outbox o where o.tenant_id = any($1)
     and not exists (select 1 from audit.log_entries e where e.event_id = o.id)`,
    ids,
  );
  const extra = await count(
    `select (count(*) - count(distinct event_id))::int as n from audit.log_entries where tenant_id = any($1)`,
    ids,
  );
  expect({ missing, duplicated: extra }).toEqual({ missing: 0, duplicated: 0 });
  expect(await count(`select count(*)::int as n from audit.log_entries where tenant_id = any($1)`, ids)).toBe(
    changes,
  );
  for (const tenant of tenants) {
    const result = await callerFor(audit.url, tenant.token).query<{ ok: boolean; checked: number }>(
      "verify",
      {},
    );
    expect(result.ok).toBe(true);
  }
  expect(bus.deadLetters()).toEqual([]);
}, 180_000);
