// A query built once (preparedQuery) runs in each transaction on that transaction's own connection:
// row-level security, the tenant and the transaction's own writes apply as to a query built in place.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PGlite } from "@electric-sql/pglite";
import { eq, sql } from "drizzle-orm";
import { integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import {
  APP_ROLE,
  type Database,
  pgliteDatabase,
  postgresDatabase,
  preparedQuery,
  type Tx,
} from "../src/db/index.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing/index.ts";

const notes = pgTable("prepared_notes", {
  id: integer("id").primaryKey(),
  tenantId: uuid("tenant_id").notNull(),
  body: text("body").notNull(),
});

const SETUP = [
  `do $$ begin if not exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
     create role ${APP_ROLE} nologin; end if; end $$`,
  "create table prepared_notes (id int primary key, tenant_id uuid not null, body text not null)",
  "alter table prepared_notes enable row level security",
  "alter table prepared_notes force row level security",
  `create policy tenant_only on prepared_notes using
     (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
  `grant select, insert on prepared_notes to ${APP_ROLE}`,
];

const A = "0190b7a8-0000-7000-8000-00000000000a";
const B = "0190b7a8-0000-7000-8000-00000000000b";

let testDb: TestDatabase;
const drivers: Record<string, Database> = {};

beforeAll(async () => {
  testDb = await createTestDatabase("prepared_query");
  drivers.postgres = postgresDatabase({ url: testDb.url, appRole: APP_ROLE, maxConnections: 4 });
  drivers.pglite = pgliteDatabase({ client: await PGlite.create(), appRole: APP_ROLE, ownsClient: true });
  for (const db of Object.values(drivers)) {
    for (const statement of SETUP) {
      await db.privileged((tx) => tx.execute(sql.raw(statement)));
    }
    await db.tenant(A, (tx) => tx.insert(notes).values({ id: 1, tenantId: A, body: "a's note" }));
    await db.tenant(B, (tx) => tx.insert(notes).values({ id: 2, tenantId: B, body: "b's note" }));
  }
});

afterAll(async () => {
  for (const db of Object.values(drivers)) {
    await db.close();
  }
  await testDb?.drop();
});

const noteById = preparedQuery("notes.byId", (db: Tx) =>
  db
    .select()
    .from(notes)
    .where(eq(notes.id, sql.placeholder("id"))),
);

describe.each(["postgres", "pglite"])("preparedQuery on %s", (driver) => {
  const db = () => drivers[driver] as Database;

  test("answers like the query built in place, mapped to the table's fields", async () => {
    const built = await db().tenant(A, (tx) => tx.select().from(notes).where(eq(notes.id, 1)));
    const prepared = await db().tenant(A, (tx) => noteById(tx, { id: 1 }), { readOnly: true });
    expect(prepared).toEqual([{ id: 1, tenantId: A, body: "a's note" }]);
    expect(prepared).toEqual(built);
  });

  test("row-level security applies: another tenant's row is not there", async () => {
    expect(await db().tenant(A, (tx) => noteById(tx, { id: 2 }))).toEqual([]);
    expect(await db().tenant(B, (tx) => noteById(tx, { id: 2 }))).toEqual([
      { id: 2, tenantId: B, body: "b's note" },
    ]);
    expect(await db().tenant(B, (tx) => noteById(tx, { id: 1 }))).toEqual([]);
  });

  test("runs on the transaction's own connection: it sees the transaction's uncommitted write", async () => {
    const id = driver === "postgres" ? 10 : 11;
    const seen = await db()
      .tenant(A, async (tx) => {
        await tx.insert(notes).values({ id, tenantId: A, body: "draft" });
        const rows = await noteById(tx, { id });
        throw Object.assign(new Error("roll back"), { rows });
      })
      .catch((error: { rows?: unknown }) => error.rows);
    expect(seen).toEqual([{ id, tenantId: A, body: "draft" }]);
    expect(await db().tenant(A, (tx) => noteById(tx, { id }))).toEqual([]);
  });

  test("concurrent transactions of two tenants each get their own answer", async () => {
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) => {
        const tenant = i % 2 === 0 ? A : B;
        return db().tenant(tenant, (tx) => noteById(tx, { id: i % 4 < 2 ? 1 : 2 }), { readOnly: true });
      }),
    );
    answers.forEach((rows, i) => {
      const tenant = i % 2 === 0 ? A : B;
      const wanted = i % 4 < 2 ? 1 : 2;
      const own = (tenant === A ? 1 : 2) === wanted;
      expect(rows.map((r) => r.id)).toEqual(own ? [wanted] : []);
    });
  });

  test("outside a transaction it is refused", () => {
    expect(() => noteById({} as Tx, { id: 1 })).toThrow(TypeError);
  });
});
