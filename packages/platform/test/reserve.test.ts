// A tenant transaction's wait for a connection has a deadline (real PostgreSQL).
import { afterAll, beforeAll, expect, test } from "bun:test";
import postgres from "postgres";
import { reserveWithin } from "../src/db/postgres.ts";
import { AppError } from "../src/errors.ts";
import { createTestDatabase, startTcpProxy, type TestDatabase } from "../src/testing/index.ts";

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

test("a connection dropped while postgres.js fetches the array types fails nothing and leaves no unhandled rejection", async () => {
  // Every new connection first asks pg_type for the array types; postgres.js left that promise
  // unawaited, so a PostgreSQL restart at that moment was an unhandled rejection (it ends a Bun
  // process, and fails the test that is running). scripts/patches/postgres@3.4.9.patch handles it.
  const target = new URL(db.url);
  const proxy = startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const proxied = new URL(db.url);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(proxy.port);
  const viaProxy = postgres(proxied.toString(), { max: 1, onnotice: () => {} });
  try {
    proxy.dropWhenClientSends("typarray");
    // postgres.js strands a reservation whose connection drops at that moment: the deadline ends it.
    const first = await settled(reserveWithin(viaProxy, 1_000));
    if (first.error === undefined) {
      first.value?.release();
    } else {
      expect(first.error).toMatchObject({ kind: "UNAVAILABLE" });
    }
    const conn = await reserveWithin(viaProxy, 5_000);
    expect([...(await conn`select 6 * 7 as answer`)]).toEqual([{ answer: 42 }]);
    // The array types were fetched on the connection that replaced the dropped one.
    expect([...(await conn`select array[1, 2]::int[] as xs`)]).toEqual([{ xs: [1, 2] }]);
    conn.release();
    // Let any stray rejection surface while this test is still the one running.
    await Bun.sleep(50);
  } finally {
    await viaProxy.end({ timeout: 1 });
    proxy.stop();
  }
});
