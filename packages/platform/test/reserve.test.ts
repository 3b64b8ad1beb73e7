// A tenant transaction's wait for a connection has a deadline (real PostgreSQL).
import { afterAll, beforeAll, expect, test } from "bun:test";
import postgres from "postgres";
import { reserveWithin } from "../src/db/postgres.ts";
import { AppError } from "../src/errors.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing/index.ts";

let db: TestDatabase;
let pool: postgres.Sql;
let admin: postgres.Sql;

beforeAll(async () => {
  db = await createTestDatabase("reserve");
  pool = postgres(db.url, { max: 1, onnotice: () => {} });
  admin = postgres(db.url, { max: 1, onnotice: () => {} });
});

afterAll(async () => {
  await pool?.end({ timeout: 1 });
  await admin?.end({ timeout: 1 });
  await db?.drop();
});

const settled = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );

test("a wait stranded by the server ending the awaited connection becomes UNAVAILABLE; the pool goes on", async () => {
  const held = await reserveWithin(pool, 2_000);
  const [{ pid }] = (await held`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
  const waiting = settled(reserveWithin(pool, 1_500));
  await Bun.sleep(100);
  // What a PostgreSQL restart does to every connection: postgres.js then never answers the waiter.
  await admin`select pg_terminate_backend(${pid})`;
  const began = performance.now();
  const outcome = await waiting;
  expect(performance.now() - began).toBeLessThan(3_000);
  expect(outcome.error).toBeInstanceOf(AppError);
  expect(outcome.error).toMatchObject({ kind: "UNAVAILABLE", code: "platform.db.no_connection" });
  held.release();

  const next = await reserveWithin(pool, 2_000);
  expect([...(await next`select 41 + 1 as answer`)]).toEqual([{ answer: 42 }]);
  next.release();
});

test("a connection that frees up after the deadline is given back, not lost", async () => {
  const held = await reserveWithin(pool, 2_000);
  const late = await settled(reserveWithin(pool, 200));
  expect(late.error).toMatchObject({ kind: "UNAVAILABLE" });
  held.release();
  // The pool has one connection: the late reservation must have released it for this one to get it.
  const again = await reserveWithin(pool, 2_000);
  expect([...(await again`select 1 as one`)]).toEqual([{ one: 1 }]);
  again.release();
});
