// The tenant transaction's pipeline on PostgreSQL: BEGIN and the settings in one simple-protocol
// message, then the verb's statements, then COMMIT (simple protocol), all on one connection.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { APP_ROLE, type Database, postgresDatabase } from "../src/db/index.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing/index.ts";

const A = "0190b7a8-0000-7000-8000-0000000000a1";
const B = "0190b7a8-0000-7000-8000-0000000000b1";
let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase("tenant_pipeline");
  // One connection: every transaction below follows the one before it on the same connection.
  db = postgresDatabase({ url: testDb.url, appRole: APP_ROLE, maxConnections: 1 });
  for (const statement of [
    `do $$ begin if not exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
       create role ${APP_ROLE} nologin; end if; end $$`,
    "create table pipeline_notes (id int primary key, tenant_id uuid not null)",
    "alter table pipeline_notes enable row level security",
    "alter table pipeline_notes force row level security",
    `create policy tenant_only on pipeline_notes using
       (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
    `grant select, insert on pipeline_notes to ${APP_ROLE}`,
  ]) {
    await db.privileged((tx) => tx.execute(sql.raw(statement)));
  }
});

afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

const setting = (tx: Parameters<Parameters<Database["tenant"]>[1]>[0]) =>
  tx
    .execute(
      sql`select current_setting('app.tenant_id', true) as tenant, current_user as role,
        current_setting('transaction_read_only') as ro`,
    )
    .then((rows) => [...(rows as unknown as Record<string, string>[])][0]);

test("read-only and writing transactions interleaved on one connection each get their own settings", async () => {
  const work = Array.from({ length: 40 }, (_, i) => {
    const tenant = i % 2 === 0 ? A : B;
    if (i % 4 === 3) {
      // A writing transaction right behind read-only ones: it must not inherit READ ONLY or a tenant.
      return db.tenant(tenant, async (tx) => {
        await tx.execute(sql`insert into pipeline_notes values (${i}, ${tenant})`);
        return setting(tx);
      });
    }
    return db.tenant(tenant, setting, { readOnly: true });
  });
  const answers = await Promise.all(work);
  answers.forEach((answer, i) => {
    const tenant = i % 2 === 0 ? A : B;
    expect(answer).toEqual({ tenant, role: APP_ROLE, ro: i % 4 === 3 ? "off" : "on" });
  });
  const seen = await db.tenant(B, (tx) => tx.execute(sql`select id from pipeline_notes order by id`), {
    readOnly: true,
  });
  expect([...(seen as unknown as { id: number }[])].map((r) => r.id)).toEqual([
    3, 7, 11, 15, 19, 23, 27, 31, 35, 39,
  ]);
  // Outside any transaction the connection carries no tenant and no role switch.
  const outside = await db.privileged(setting);
  expect(outside?.tenant ?? "").toBe("");
});

test("a tenant id that is not a plain token goes as a parameter, never into the SQL text", async () => {
  const odd = "it's; select 1";
  const answer = await db.tenant(odd, setting, { readOnly: true });
  expect(answer?.tenant).toBe(odd);
});

test("a setting the server refuses fails the call and leaves no transaction open on the connection", async () => {
  const refused = postgresDatabase({ url: testDb.url, appRole: "vx_no_such_role", maxConnections: 1 });
  try {
    await expect(refused.tenant(A, setting)).rejects.toThrow();
    // Same single connection: a transaction still open (and aborted) there would fail this one.
    const after = await refused.privileged((tx) => tx.execute(sql`select 1 as one`));
    expect([...(after as unknown as { one: number }[])][0]?.one).toBe(1);
  } finally {
    await refused.close();
  }
});

test("oneStatement: the read answers under the tenant's settings and the connection is left clean", async () => {
  const answer = await db.tenant(A, setting, { readOnly: true, oneStatement: true });
  expect(answer).toEqual({ tenant: A, role: APP_ROLE, ro: "on" });
  // RLS applies to the one statement as to any other: B's transaction sees only B's rows.
  const rows = await db.tenant(B, (tx) => tx.execute(sql`select id from pipeline_notes order by id`), {
    readOnly: true,
    oneStatement: true,
  });
  expect([...(rows as unknown as { id: number }[])].map((r) => r.id)).toEqual([
    3, 7, 11, 15, 19, 23, 27, 31, 35, 39,
  ]);
  // Same single connection: its pipelined COMMIT ended the transaction, so nothing carries over.
  const outside = await db.privileged(setting);
  expect(outside?.tenant ?? "").toBe("");
  expect(outside?.ro).toBe("off");
});

test("oneStatement: a failing statement fails the call and the pipelined COMMIT leaves nothing open", async () => {
  const failing = db.tenant(A, (tx) => tx.execute(sql`select 1 / 0`), { readOnly: true, oneStatement: true });
  await expect(failing).rejects.toThrow();
  const after = await db.tenant(A, setting, { readOnly: true });
  expect(after).toEqual({ tenant: A, role: APP_ROLE, ro: "on" });
});

test("oneStatement: a second statement is refused and nothing runs outside the transaction", async () => {
  const twice = db.tenant(
    A,
    async (tx) => {
      await setting(tx);
      return setting(tx);
    },
    { readOnly: true, oneStatement: true },
  );
  const refused = await twice.catch((e: unknown) => e);
  // Drizzle wraps what the client threw (DrizzleQueryError, the refusal as its cause).
  expect(String((refused as { cause?: unknown }).cause)).toContain("second statement");
  const after = await db.privileged(setting);
  expect(after?.tenant ?? "").toBe("");
  // Without readOnly the option is ignored: a write's COMMIT waits for the verb to finish.
  const written = await db.tenant(
    B,
    async (tx) => {
      await tx.execute(sql`insert into pipeline_notes values (1001, ${B})`);
      return setting(tx);
    },
    { oneStatement: true },
  );
  expect(written).toEqual({ tenant: B, role: APP_ROLE, ro: "off" });
});
