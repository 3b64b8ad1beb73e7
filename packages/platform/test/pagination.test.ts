// Keyset pages walked over a real PostgreSQL table: every row exactly once, in order, each direction.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { bigint, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { z } from "zod";
import { keyset } from "../src/db/index.ts";
import { AppError, decodeCursor, encodeCursor, type Page, pageInput, pageOf } from "../src/index.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing/index.ts";

const items = pgTable("items", {
  id: uuid("id").primaryKey(),
  seq: bigint("seq", { mode: "number" }).notNull(),
  name: text("name").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
});
type Item = typeof items.$inferSelect;

let db: TestDatabase;
let client: postgres.Sql;
let orm: ReturnType<typeof drizzle>;
const ids: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase("pagination");
  client = postgres(db.url, { max: 1, onnotice: () => {} });
  orm = drizzle(client);
  await orm.execute(
    sql`create table items (id uuid primary key, seq bigint not null, name text not null, created_at timestamptz not null)`,
  );
  // 23 rows: ids in creation order, but created_at out of id order, with ties and microsecond steps
  // inside one millisecond (what defaultNow() writes).
  for (let i = 0; i < 23; i++) {
    ids.push(Bun.randomUUIDv7());
  }
  for (const [i, id] of ids.entries()) {
    const micros = (i % 4) * 100; // four rows share each millisecond, apart by microseconds
    const at = `2026-01-01 00:00:00.${String(7 - Math.floor(i / 4)).padStart(3, "0")}${String(micros).padStart(3, "0")}+00`;
    await orm.execute(
      sql`insert into items values (${id}, ${i * 10}, ${`item ${i}`}, ${i % 5 === 0 ? "2026-01-01 00:00:00.5+00" : at})`,
    );
  }
});

afterAll(async () => {
  await client?.end({ timeout: 1 });
  await db?.drop();
});

const Input = z.object(pageInput({ maxLimit: 50 }));

async function walk(
  order: Parameters<typeof keyset>[0],
  keyOf: (row: Item) => string | number,
  limit: number,
): Promise<Item[]> {
  const seen: Item[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 30; pages++) {
    const page = keyset(order, cursor);
    const rows = await orm
      .select()
      .from(items)
      .where(page.where)
      .orderBy(...page.orderBy)
      .limit(limit + 1);
    const result: Page<Item> = pageOf(rows, limit, keyOf);
    expect(result.items.length).toBeLessThanOrEqual(limit);
    seen.push(...result.items);
    if (result.nextCursor === null) {
      return seen;
    }
    cursor = Input.parse({ limit, cursor: result.nextCursor }).cursor;
  }
  throw new Error("the walk did not end");
}

async function all(direction: "asc" | "desc", byCreated: boolean): Promise<string[]> {
  const rows = (await orm.execute(
    byCreated
      ? sql.raw(`select id from items order by created_at ${direction}, id ${direction}`)
      : sql.raw(`select id from items order by id ${direction}`),
  )) as unknown as { id: string }[];
  return rows.map((r) => r.id);
}

describe("keyset pagination", () => {
  test("(id) pages, ascending and descending, return every row once in order", async () => {
    for (const direction of ["asc", "desc"] as const) {
      for (const limit of [1, 4, 7, 23, 50]) {
        const seen = await walk({ id: items.id, direction }, (r) => r.id, limit);
        expect(seen.map((r) => r.id)).toEqual(await all(direction, false));
      }
    }
  });

  test("(created_at, id) pages are exact across ties and microseconds inside one millisecond", async () => {
    for (const direction of ["asc", "desc"] as const) {
      for (const limit of [1, 3, 4, 5, 22]) {
        const seen = await walk({ id: items.id, createdAt: items.createdAt, direction }, (r) => r.id, limit);
        expect(seen.map((r) => r.id)).toEqual(await all(direction, true));
      }
    }
  });

  test("integer keys (a sequence) page too", async () => {
    const seq = z.object(pageInput({ key: "integer" }));
    let cursor: string | undefined;
    const seen: number[] = [];
    do {
      const page = keyset({ id: items.seq, direction: "desc", key: "integer" }, cursor);
      const rows = await orm
        .select()
        .from(items)
        .where(page.where)
        .orderBy(...page.orderBy)
        .limit(6);
      const result = pageOf(rows, 5, (r) => r.seq);
      seen.push(...result.items.map((r) => r.seq));
      cursor = result.nextCursor === null ? undefined : seq.parse({ cursor: result.nextCursor }).cursor;
    } while (cursor);
    expect(seen).toEqual(ids.map((_, i) => i * 10).reverse());
  });

  test("limit defaults and bounds; a cursor not given out by the list is a 400 naming cursor", () => {
    expect(Input.parse({})).toEqual({ limit: 20 });
    expect(Input.safeParse({ limit: 51 }).success).toBe(false);
    expect(Input.safeParse({ limit: 0 }).success).toBe(false);
    for (const bad of ["x", ids[0], encodeCursor(5), encodeCursor("not-a-uuid"), "W10", "a".repeat(300)]) {
      const parsed = Input.safeParse({ cursor: bad });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(["cursor"]);
    }
    expect(
      z.object(pageInput({ key: "integer" })).safeParse({ cursor: encodeCursor(ids[0] ?? "") }).success,
    ).toBe(false);
    expect(decodeCursor(encodeCursor(ids[1] ?? ""), "uuid")).toBe(ids[1]);
    // The verb checks too, for callers that skip the schema.
    expect(() => keyset({ id: items.id }, "garbage")).toThrow(AppError);
    try {
      keyset({ id: items.id }, "garbage");
    } catch (error) {
      expect(error).toMatchObject({ kind: "VALIDATION", field: "cursor" });
    }
  });
});
