// No transaction may open inside another one, on PGlite (where it would wait for itself forever) and
// on PostgreSQL (where it would not, so only this guard makes tests there catch the mistake).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import {
  afterCommit,
  type Database,
  NestedTransactionError,
  pgliteDatabase,
  postgresDatabase,
  rowsOf,
} from "../src/db/index.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing/index.ts";

let testDb: TestDatabase;
let pglite: PGlite;
const drivers: Record<string, Database> = {};

beforeAll(async () => {
  testDb = await createTestDatabase("tx_guard");
  pglite = await PGlite.create();
  // The superuser stands in for the application role: this suite is about transactions, not RLS.
  drivers.postgres = postgresDatabase({ url: testDb.url, appRole: "postgres", maxConnections: 4 });
  drivers.pglite = pgliteDatabase({ client: pglite, appRole: "postgres", ownsClient: true });
  for (const db of Object.values(drivers)) {
    await db.privileged((tx) => tx.execute(sql`create table notes (id int primary key)`));
  }
});

afterAll(async () => {
  for (const db of Object.values(drivers)) {
    await db.close();
  }
  await testDb?.drop();
});

const tenantId = "0190b7a8-0000-7000-8000-000000000001";
const count = async (db: Database) =>
  rowsOf<{ n: number }>(await db.privileged((tx) => tx.execute(sql`select count(*)::int as n from notes`)))[0]
    ?.n;
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise,
    Bun.sleep(ms).then(() => {
      throw new Error(`still waiting after ${ms} ms`);
    }),
  ]);

describe.each(["pglite", "postgres"])("on %s", (driver) => {
  const db = () => drivers[driver] as Database;

  test("a transaction opened inside a tenant transaction fails at once and the outer one rolls back", async () => {
    const before = await count(db());
    const nested = db().tenant(tenantId, async (tx) => {
      await tx.execute(sql`insert into notes values (1)`);
      // What the signing-key reload did inside a sign-in: a second transaction while the first is open.
      await db().privileged((inner) => inner.execute(sql`select 1`));
    });
    const error = await within(nested, 2_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NestedTransactionError);
    expect(String(error)).toContain("privileged transaction started while a tenant transaction is open");
    expect(await count(db())).toBe(before);
  });

  test("a tenant transaction, or a ping, inside a privileged one fails too", async () => {
    const tenantInside = db().privileged(() => db().tenant(tenantId, async () => 1));
    expect(await within(tenantInside, 2_000).catch((e: unknown) => e)).toBeInstanceOf(NestedTransactionError);
    const pingInside = db().tenant(tenantId, () => db().ping());
    expect(await within(pingInside, 2_000).catch((e: unknown) => e)).toBeInstanceOf(NestedTransactionError);
  });

  test("sequential and concurrent transactions of one caller are fine", async () => {
    await db().tenant(tenantId, (tx) => tx.execute(sql`select 1`));
    await db().privileged((tx) => tx.execute(sql`select 1`));
    const both = await Promise.all([
      db().tenant(tenantId, async () => "a"),
      db().tenant(tenantId, async () => "b", { readOnly: true }),
      db().privileged(async () => "c"),
    ]);
    expect(both).toEqual(["a", "b", "c"]);
  });

  test("work a transaction scheduled runs its own transaction once the first has closed", async () => {
    let later: Promise<number> | undefined;
    await db().tenant(tenantId, async () => {
      later = Bun.sleep(20).then(() => db().privileged(async () => 7));
    });
    expect(await later).toBe(7);
  });

  test("afterCommit runs once the transaction has committed, once per function, never after a rollback", async () => {
    let calls = 0;
    let visible: Promise<number | undefined> | undefined;
    const signal = () => {
      calls++;
      // Another transaction, opened from the signal, already sees what the committed one wrote.
      visible = count(db());
    };
    const before = await count(db());
    await db().tenant(tenantId, async (tx) => {
      await tx.execute(sql`insert into notes values (100)`);
      expect(afterCommit(signal)).toBe(true);
      expect(afterCommit(signal)).toBe(true);
      expect(calls).toBe(0);
    });
    expect(calls).toBe(1);
    expect(await visible).toBe((before ?? 0) + 1);
    const failed = db().privileged(async (tx) => {
      await tx.execute(sql`insert into notes values (101)`);
      afterCommit(signal);
      throw new Error("roll back");
    });
    expect(await failed.catch((e: unknown) => e)).toBeInstanceOf(Error);
    expect(calls).toBe(1);
    // Outside a transaction nothing is registered: the caller signals itself.
    expect(afterCommit(signal)).toBe(false);
    await db().privileged((tx) => tx.execute(sql`delete from notes where id = 100`));
  });
});
