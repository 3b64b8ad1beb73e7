// The relay is woken in-process once a transaction of this process that wrote events commits (no
// NOTIFY, which serialises every event-writing commit of the cluster), and still finds by its poll
// rows that no wake-up announced (another process's, or a crashed writer's).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { PGlite } from "@electric-sql/pglite";
import { createLogger } from "@vextrus/platform";
import { type Database, pgliteDatabase } from "@vextrus/platform/db";
import { pgSchema } from "drizzle-orm/pg-core";
import { emit, outboxTable, startRelay } from "../src/index.ts";
import type { OutgoingMessage, Publisher } from "../src/transport.ts";

const log = createLogger({ level: "error" });
const outbox = outboxTable(pgSchema("wake_test"));
const tenantId = "0190b7a8-0000-7000-8000-000000000002";
let pglite: PGlite;
let db: Database;

beforeAll(async () => {
  pglite = await PGlite.create();
  // The superuser stands in for the application role: this suite is about waking, not RLS.
  db = pgliteDatabase({ client: pglite, appRole: "postgres", ownsClient: true });
  await pglite.exec(`
    create schema wake_test;
    create table wake_test.outbox (
      id uuid primary key, tenant_id uuid not null, topic text not null, key text not null,
      event json not null, created_at timestamptz not null default now(), sent_at timestamptz,
      attempts integer not null default 0)`);
});

afterAll(async () => {
  await db.close();
});

/** A publisher that records what it is sent. */
function recorder(): Publisher & { sent: OutgoingMessage[] } {
  const sent: OutgoingMessage[] = [];
  return {
    sent,
    async send(messages) {
      sent.push(...messages);
    },
    async close() {},
  };
}

const change = (round: number) => {
  const id = Bun.randomUUIDv7();
  return {
    type: "vextrus.organization.branch.updated" as const,
    subject: id,
    tenantId,
    data: { id, before: { round: round - 1 }, after: { round } },
  };
};

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) {
    await Bun.sleep(10);
  }
  return check();
}

test("events committed in this process wake the relay: published long before its poll, without LISTEN", async () => {
  const publisher = recorder();
  const relay = startRelay({ db, outbox, publisher, log, pollMs: 60_000 });
  try {
    // Let the relay find the outbox empty and settle into its (minute-long) idle wait.
    await Bun.sleep(200);
    for (let round = 1; round <= 3; round++) {
      const event = await db.tenant(tenantId, (tx) => emit(tx, outbox, change(round)));
      expect(await waitFor(() => publisher.sent.some((m) => m.value.includes(event.id)), 5_000)).toBe(true);
    }
    // A rolled-back transaction's event is never published (its wake-up is dropped with it).
    const rolledBack = await db
      .tenant(tenantId, async (tx) => {
        await emit(tx, outbox, change(4));
        throw new Error("roll back");
      })
      .catch((error: unknown) => error);
    expect(rolledBack).toBeInstanceOf(Error);
    expect(await relay.backlog()).toBe(0);
    expect(publisher.sent).toHaveLength(3);
  } finally {
    await relay.stop();
  }
});

test("rows that no wake-up announced (another process's, a crashed writer's) are found by the poll", async () => {
  const publisher = recorder();
  const relay = startRelay({ db, outbox, publisher, log, pollMs: 50 });
  try {
    await Bun.sleep(100);
    const id = Bun.randomUUIDv7();
    // Written as another process would: straight into the table, so nothing here is woken.
    await pglite.query(
      "insert into wake_test.outbox (id, tenant_id, topic, key, event) values ($1::uuid, $2, 'vextrus.organization.branch', $1::text, $3)",
      [id, tenantId, JSON.stringify({ id })],
    );
    expect(await waitFor(() => publisher.sent.some((m) => m.value.includes(id)), 5_000)).toBe(true);
  } finally {
    await relay.stop();
  }
});
