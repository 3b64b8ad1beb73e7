import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import {
  buildEvent,
  type CloudEvent,
  canonicalJson,
  MAINTENANCE_PERMISSION,
  PLATFORM_TENANT_ID,
  type Transport,
} from "@vextrus/events";
import { decodeCursor } from "@vextrus/platform";
import { entryHash, genesisHash } from "../src/domain/chain.ts";
import type { AuditRouter } from "../src/router.ts";
import {
  type AuditHarness,
  departmentStory,
  publish,
  sendRetrying,
  startAudit,
  type TestTopics,
  testTopics,
} from "./harness.ts";

let h: AuditHarness;
let topics: TestTopics;
let transport: Transport;

beforeAll(async () => {
  h = await startAudit("audit");
  topics = await testTopics("audit");
  transport = topics.transport(h.log);
  await h.consume(transport);
}, 60_000);

afterAll(async () => {
  await h.stop();
  await transport.close();
  await topics.drop();
}, 30_000);

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCClientError);
    const e = error as TRPCClientError<AuditRouter>;
    if (!e.data) {
      throw new Error("error without data");
    }
    return { message: e.message, data: e.data };
  }
  throw new Error("expected the call to fail");
}

/** A tenant whose department story (3 events) is recorded. */
async function recordedStory() {
  const tenant = await h.newTenant();
  const story = departmentStory(tenant.tenantId, tenant.userId);
  const events = await publish(transport, story.events);
  expect(await h.waitFor(tenant.tenantId, 3)).toBe(3);
  return { ...tenant, story, events };
}

/** Changes an entry behind the service's back, as a database superuser would (triggers off). */
async function tamper(statement: string, ...values: unknown[]) {
  await h.superuser.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx.unsafe(statement, values as never[]);
  });
}

describe("recording", () => {
  test("each event becomes one chained entry, with a field-level diff when it carries before/after", async () => {
    const { api, tenantId, userId, story, events } = await recordedStory();
    const { items, nextCursor } = await api.events.list.query({});
    expect(nextCursor).toBeNull();
    expect(items.map((e) => e.seq)).toEqual([3, 2, 1]);
    expect(items.map((e) => e.eventId)).toEqual(events.map((e) => e.id).reverse());
    expect(items.map((e) => e.type)).toEqual([
      "vextrus.organization.department.archived",
      "vextrus.organization.department.updated",
      "vextrus.organization.department.created",
    ]);
    const [archived, updated, created] = items;
    expect(created?.entity).toBe("organization.department");
    expect(created?.subjectId).toBe(story.id);
    expect(created?.actorId).toBe(userId);
    expect(created?.time).toBeInstanceOf(Date);
    expect(created?.diff).toBeNull();
    expect(updated?.diff).toEqual([
      { field: "name", from: "Procurement", to: "Procurement & Stores" },
      { field: "version", from: 1, to: 2 },
    ]);
    expect(archived?.diff).toEqual([
      { field: "archivedAt", from: null, to: "2025-07-01T00:00:00.000Z" },
      { field: "version", from: 2, to: 3 },
    ]);
    expect(created?.prevHash).toBe(genesisHash(tenantId));
    expect(updated?.prevHash).toBe(created?.hash);
    expect(archived?.prevHash).toBe(updated?.hash);
    expect(created?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test("a batch longer than one INSERT keeps its order; each stored event is the text its hash covers", async () => {
    const tenant = await h.newTenant();
    const story = departmentStory(tenant.tenantId, tenant.userId);
    // One subject, so one partition and one order; 85 = 64 + 16 + 4 + 1 rows when it comes as one batch.
    const events = await publish(
      transport,
      Array.from({ length: 85 }, (_, i) => story.events[i % 3] as (typeof story.events)[number]),
    );
    expect(await h.waitFor(tenant.tenantId, 85)).toBe(85);
    const rows = await h.superuser`
      select seq, event_id, event::text as event, prev_hash, hash from audit.log_entries
      where tenant_id = ${tenant.tenantId} order by seq`;
    expect(rows.map((r) => Number(r.seq))).toEqual(events.map((_, i) => i + 1));
    expect(rows.map((r) => r.event_id)).toEqual(events.map((e) => e.id));
    let prevHash = genesisHash(tenant.tenantId);
    for (const row of rows) {
      expect(row.prev_hash).toBe(prevHash);
      expect(canonicalJson(JSON.parse(row.event))).toBe(row.event);
      expect(row.hash).toBe(new Bun.CryptoHasher("sha256").update(`${prevHash}\n${row.event}`).digest("hex"));
      prevHash = row.hash;
    }
    expect(await tenant.api.verify.query({})).toEqual({ ok: true, checked: 85 });
  });

  test("a redelivered event does not create a second entry", async () => {
    const tenant = await h.newTenant();
    const { topic, key, event } = buildEvent(departmentStory(tenant.tenantId, tenant.userId).created);
    const message = { topic, key, value: JSON.stringify(event) };
    await sendRetrying(transport, "redeliver", [message, message]);
    expect(await h.waitFor(tenant.tenantId, 1)).toBe(1);
    await sendRetrying(transport, "redeliver", [message]);
    await publish(transport, [departmentStory(tenant.tenantId, tenant.userId).created]);
    expect(await h.waitFor(tenant.tenantId, 2)).toBe(2);
    const [row] = await h.superuser`
      select count(*)::int as n from audit.log_entries where tenant_id = ${tenant.tenantId} and event_id = ${event.id}`;
    expect(row?.n).toBe(1);
    const metrics = await h.metrics.registry.metrics();
    expect(metrics).toMatch(/vextrus_events_duplicates_skipped_total\{[^}]*\} [1-9]/);
  });

  test("each tenant has its own chain starting at 1; nobody reads another tenant's entries", async () => {
    const a = await recordedStory();
    const b = await recordedStory();
    const seen = await b.api.events.list.query({});
    expect(seen.items.map((e) => e.seq)).toEqual([3, 2, 1]);
    expect(seen.items.every((e) => !a.events.some((ae) => ae.id === e.eventId))).toBe(true);
    const byId = await b.api.events.list.query({ subjectId: a.story.id });
    expect(byId.items).toEqual([]);
  });
});

describe("audit.events.list", () => {
  test("filters by subject, actor, type prefix and time, newest first with a cursor", async () => {
    const tenant = await h.newTenant();
    const other = Bun.randomUUIDv7();
    const first = departmentStory(tenant.tenantId, tenant.userId);
    const second = departmentStory(tenant.tenantId, other);
    await publish(transport, first.events);
    await publish(transport, second.events);
    expect(await h.waitFor(tenant.tenantId, 6)).toBe(6);
    const { api } = tenant;

    const bySubject = await api.events.list.query({
      subjectType: "organization.department",
      subjectId: second.id,
    });
    expect(bySubject.items.map((e) => e.subjectId)).toEqual([second.id, second.id, second.id]);
    expect((await api.events.list.query({ subjectType: "organization.company" })).items).toEqual([]);
    const byActor = await api.events.list.query({ actorId: other });
    expect(byActor.items).toHaveLength(3);
    const updates = await api.events.list.query({ typePrefix: "vextrus.organization.department.upd" });
    expect(updates.items.map((e) => e.type)).toEqual([
      "vextrus.organization.department.updated",
      "vextrus.organization.department.updated",
    ]);
    expect((await api.events.list.query({ typePrefix: "vextrus.auth." })).items).toEqual([]);

    const all = await api.events.list.query({});
    const times = all.items.map((e) => e.time.getTime());
    const middle = new Date(times[2] ?? 0);
    const upToMiddle = await api.events.list.query({ to: middle });
    expect(upToMiddle.items.every((e) => e.time <= middle)).toBe(true);
    const fromMiddle = await api.events.list.query({ from: middle });
    expect(fromMiddle.items.every((e) => e.time >= middle)).toBe(true);
    expect((await api.events.list.query({ from: new Date(Date.now() + 60_000) })).items).toEqual([]);

    const page1 = await api.events.list.query({ limit: 4 });
    expect(page1.items.map((e) => e.seq)).toEqual([6, 5, 4, 3]);
    expect(decodeCursor(page1.nextCursor ?? "", "integer")).toBe(3);
    const page2 = await api.events.list.query({ limit: 4, cursor: page1.nextCursor ?? undefined });
    expect(page2.items.map((e) => e.seq)).toEqual([2, 1]);
    expect(page2.nextCursor).toBeNull();
  });

  test("bad filters are a 400 naming the field, in English or Bengali", async () => {
    const { token } = await h.newTenant();
    const err = await failure(
      h.client(token).events.list.query({ typePrefix: "DROP TABLE;", limit: 0 } as never),
    );
    expect(err.data.httpStatus).toBe(400);
    expect(err.data.issues?.map((i) => i.path).sort()).toEqual(["limit", "typePrefix"]);
    const range = await failure(
      h.client(token).events.list.query({ from: new Date("2025-02-01"), to: new Date("2025-01-01") }),
    );
    expect(range.data.issues?.[0]?.path).toBe("to");
  });

  test("needs a token with audit:event:read", async () => {
    const none = await failure(h.client().events.list.query({}));
    expect(none.data.code).toBe("UNAUTHORIZED");
    const forged = await failure(h.client("not-a-token").events.list.query({}));
    expect(forged.data.code).toBe("UNAUTHORIZED");
    const { token } = await h.newTenant(["organization:*"]);
    const denied = await failure(h.client(token).events.list.query({}));
    expect(denied.data.code).toBe("FORBIDDEN");
    const verifyDenied = await failure(h.client(token).verify.query({}));
    expect(verifyDenied.data.code).toBe("FORBIDDEN");
  });
});

describe("audit.verify", () => {
  test("an intact chain verifies; an altered payload is reported at its sequence", async () => {
    const { api, tenantId } = await recordedStory();
    expect(await api.verify.query({})).toEqual({ ok: true, checked: 3 });
    expect(await api.verify.query({ from: 2, to: 3 })).toEqual({ ok: true, checked: 2 });
    await tamper(
      `update audit.log_entries set event = jsonb_set(event::jsonb, '{data,after,name}', '"Embezzlement"')::json where tenant_id = $1 and seq = 2`,
      tenantId,
    );
    const broken = await api.verify.query({});
    expect(broken).toMatchObject({ ok: false, checked: 1, firstBrokenSeq: 2 });
    expect(await api.verify.query({ from: 3 })).toEqual({ ok: true, checked: 1 });
  });

  test("a re-hashed entry, a changed column, a deleted or a reordered entry are all found", async () => {
    const rehashed = await recordedStory();
    await tamper(
      `update audit.log_entries set event = jsonb_set(event::jsonb, '{data,after,name}', '"X"')::json, hash = repeat('0', 64) where tenant_id = $1 and seq = 1`,
      rehashed.tenantId,
    );
    expect(await rehashed.api.verify.query({})).toMatchObject({ ok: false, firstBrokenSeq: 1 });

    const column = await recordedStory();
    await tamper(
      `update audit.log_entries set actor_id = 'someone-else' where tenant_id = $1 and seq = 3`,
      column.tenantId,
    );
    expect(await column.api.verify.query({})).toMatchObject({ ok: false, firstBrokenSeq: 3 });

    const deleted = await recordedStory();
    await tamper(`delete from audit.log_entries where tenant_id = $1 and seq = 2`, deleted.tenantId);
    expect(await deleted.api.verify.query({})).toMatchObject({ ok: false, firstBrokenSeq: 2 });

    const tail = await recordedStory();
    await tamper(`delete from audit.log_entries where tenant_id = $1 and seq = 3`, tail.tenantId);
    expect(await tail.api.verify.query({})).toMatchObject({ ok: false, firstBrokenSeq: 3 });

    const swapped = await recordedStory();
    await tamper(
      `update audit.log_entries set seq = -seq where tenant_id = $1 and seq in (1, 2)`,
      swapped.tenantId,
    );
    await tamper(
      `update audit.log_entries set seq = case seq when -1 then 2 else 1 end where tenant_id = $1 and seq < 0`,
      swapped.tenantId,
    );
    expect(await swapped.api.verify.query({})).toMatchObject({ ok: false, firstBrokenSeq: 1 });

    const metrics = await h.metrics.registry.metrics();
    expect(metrics).toMatch(
      /vextrus_audit_verify_duration_seconds_count\{[^}]*outcome="broken"[^}]*\} [1-9]/,
    );
  });
});

describe("audit.verify against tampering with every table audit owns", () => {
  type Story = Awaited<ReturnType<typeof recordedStory>>;
  /** One change behind the service's back, and the first sequence number verify must report. */
  interface Tampering {
    table: string;
    change: string;
    tamper(story: Story): Promise<unknown>;
    firstBrokenSeq: number;
  }
  const hashOf = async (tenantId: string, seq: number) => {
    const [row] =
      await h.superuser`select hash from audit.log_entries where tenant_id = ${tenantId} and seq = ${seq}`;
    return String(row?.hash);
  };
  /** A well-formed entry 4 chained onto entry 3 (correct hash, columns matching its event). */
  const forgedEntry = async ({ tenantId, events }: Story) => {
    const forged = { ...events[2], id: Bun.randomUUIDv7() } as CloudEvent;
    const hash = entryHash(await hashOf(tenantId, 3), forged);
    return tamper(
      `insert into audit.log_entries
         (tenant_id, seq, event_id, type, entity, subject, actor_id, source, occurred_at, event, diff, prev_hash, hash)
       select tenant_id, 4, $2, type, entity, subject, actor_id, source, occurred_at, $3::json, diff, hash, $4
       from audit.log_entries where tenant_id = $1 and seq = 3`,
      tenantId,
      forged.id,
      JSON.stringify(forged),
      hash,
    );
  };
  const cases: Tampering[] = [
    {
      table: "chain_heads",
      change: "update: the head claims an empty chain",
      tamper: (t) => tamper(`update audit.chain_heads set seq = 0 where tenant_id = $1`, t.tenantId),
      firstBrokenSeq: 1,
    },
    {
      table: "chain_heads",
      change: "update: the head claims the chain ends earlier, with that entry's hash",
      tamper: async (t) =>
        tamper(
          `update audit.chain_heads set seq = 2, hash = $2 where tenant_id = $1`,
          t.tenantId,
          await hashOf(t.tenantId, 2),
        ),
      firstBrokenSeq: 3,
    },
    {
      table: "chain_heads",
      change: "update: the head claims entries that are not there",
      tamper: (t) => tamper(`update audit.chain_heads set seq = 5 where tenant_id = $1`, t.tenantId),
      firstBrokenSeq: 4,
    },
    {
      table: "chain_heads",
      change: "update: another hash",
      tamper: (t) =>
        tamper(`update audit.chain_heads set hash = repeat('0', 64) where tenant_id = $1`, t.tenantId),
      firstBrokenSeq: 3,
    },
    {
      table: "chain_heads",
      change: "update: an anchor as if retention had removed entries that are still there",
      tamper: async (t) =>
        tamper(
          `update audit.chain_heads set anchor_seq = 2, anchor_hash = $2 where tenant_id = $1`,
          t.tenantId,
          await hashOf(t.tenantId, 2),
        ),
      firstBrokenSeq: 1,
    },
    {
      table: "chain_heads",
      change: "delete: the head is gone",
      tamper: (t) => tamper(`delete from audit.chain_heads where tenant_id = $1`, t.tenantId),
      firstBrokenSeq: 1,
    },
    {
      table: "chain_heads",
      change: "delete + insert: a new head claiming one entry",
      tamper: async (t) => {
        await tamper(`delete from audit.chain_heads where tenant_id = $1`, t.tenantId);
        await tamper(
          `insert into audit.chain_heads (tenant_id, seq, hash) values ($1, 1, $2)`,
          t.tenantId,
          await hashOf(t.tenantId, 1),
        );
      },
      firstBrokenSeq: 2,
    },
    {
      table: "log_entries",
      change: "update: an entry's event",
      tamper: (t) =>
        tamper(
          `update audit.log_entries set event = jsonb_set(event::jsonb, '{data,after,name}', '"X"')::json where tenant_id = $1 and seq = 2`,
          t.tenantId,
        ),
      firstBrokenSeq: 2,
    },
    {
      table: "log_entries",
      change: "delete: the first entry",
      tamper: (t) => tamper(`delete from audit.log_entries where tenant_id = $1 and seq = 1`, t.tenantId),
      firstBrokenSeq: 1,
    },
    {
      table: "log_entries",
      change: "delete: every entry",
      tamper: (t) => tamper(`delete from audit.log_entries where tenant_id = $1`, t.tenantId),
      firstBrokenSeq: 1,
    },
    {
      table: "log_entries",
      change: "insert: a well-chained entry after the head",
      tamper: forgedEntry,
      firstBrokenSeq: 4,
    },
    {
      table: "log_entries",
      change: "insert: an entry before the start of the chain",
      tamper: (t) =>
        tamper(
          `insert into audit.log_entries
             (tenant_id, seq, event_id, type, entity, subject, actor_id, source, occurred_at, event, diff, prev_hash, hash)
           select tenant_id, 0, $2, type, entity, subject, actor_id, source, occurred_at, event, diff, prev_hash, hash
           from audit.log_entries where tenant_id = $1 and seq = 1`,
          t.tenantId,
          Bun.randomUUIDv7(),
        ),
      firstBrokenSeq: 0,
    },
  ];

  test("the cases cover every table in the audit schema", async () => {
    const tables = await h.superuser`
      select table_name from information_schema.tables where table_schema = 'audit' order by 1`;
    expect(tables.map((t) => t.table_name)).toEqual([...new Set(cases.map((c) => c.table))].sort());
    for (const table of new Set(cases.map((c) => c.table))) {
      const changes = cases.filter((c) => c.table === table).map((c) => c.change.split(":")[0]);
      expect(changes.some((c) => c?.includes("update"))).toBe(true);
      expect(changes.some((c) => c?.includes("delete"))).toBe(true);
      expect(changes.some((c) => c?.includes("insert"))).toBe(true);
    }
  });

  for (const c of cases) {
    test(`${c.table}, ${c.change}: reported at ${c.firstBrokenSeq}`, async () => {
      const story = await recordedStory();
      expect(await story.api.verify.query({})).toEqual({ ok: true, checked: 3 });
      await c.tamper(story);
      const result = await story.api.verify.query({});
      expect(result).toMatchObject({ ok: false, firstBrokenSeq: c.firstBrokenSeq });
      expect(result.reason).toBeString();
    });
  }

  test("a head inserted for a tenant without entries is reported", async () => {
    const tenant = await h.newTenant();
    await tamper(
      `insert into audit.chain_heads (tenant_id, seq, hash) values ($1, 2, repeat('0', 64))`,
      tenant.tenantId,
    );
    expect(await tenant.api.verify.query({})).toMatchObject({
      ok: false,
      firstBrokenSeq: 1,
      reason: "entry missing",
    });
  });
});

describe("immutability and retention", () => {
  const asApp = (tenantId: string, statement: string) =>
    h.superuser.begin(async (tx) => {
      await tx`select set_config('app.tenant_id', ${tenantId}, true)`;
      await tx`set local role vextrus_app`;
      await tx.unsafe(statement);
    });
  const codeOf = async (promise: Promise<unknown>) => {
    try {
      await promise;
      return "no error";
    } catch (error) {
      return (error as { code?: string }).code;
    }
  };

  test("the service's role cannot update or delete entries, and the trigger stops even the owner", async () => {
    const { tenantId, api } = await recordedStory();
    expect(await codeOf(asApp(tenantId, "update audit.log_entries set subject = 'x'"))).toBe("42501");
    expect(await codeOf(asApp(tenantId, "delete from audit.log_entries"))).toBe("42501");
    expect(
      await codeOf(h.superuser`update audit.log_entries set subject = 'x' where tenant_id = ${tenantId}`),
    ).toBe("42501");
    expect(await codeOf(h.superuser`delete from audit.log_entries where tenant_id = ${tenantId}`)).toBe(
      "42501",
    );
    expect(await codeOf(h.superuser`truncate audit.log_entries`)).toBe("42501");
    const grants = await h.superuser`
      select privilege_type from information_schema.role_table_grants
      where grantee = 'vextrus_app' and table_schema = 'audit' and table_name = 'log_entries' order by 1`;
    expect(grants.map((g) => g.privilege_type)).toEqual(["INSERT", "SELECT"]);
    expect(await h.count(tenantId)).toBe(3);
    expect(await api.verify.query({})).toEqual({ ok: true, checked: 3 });
  });

  test("the retention policy removes only entries past the period; the rest still verifies", async () => {
    const { tenantId, api } = await recordedStory();
    const { applyRetention } = await import("../src/domain/retention.ts");
    expect(await applyRetention(h.db, 365)).toBe(0);
    // Age the first two entries as if recorded long ago (a superuser's edit, triggers off).
    await tamper(
      `update audit.log_entries set recorded_at = now() - interval '800 days' where tenant_id = $1 and seq <= 2`,
      tenantId,
    );
    expect(
      await codeOf(h.superuser`delete from audit.log_entries where tenant_id = ${tenantId} and seq = 1`),
    ).toBe("42501");
    // Only the platform's job may apply it (a tenant admin holds no platform:* permission).
    expect((await failure(api.maintenance.applyRetention.mutate())).data.code).toBe("FORBIDDEN");
    const platformJob = await h.signer.sign({
      tenantId: PLATFORM_TENANT_ID,
      permissions: [MAINTENANCE_PERMISSION],
    });
    const { removed } = await h.client(platformJob).maintenance.applyRetention.mutate();
    expect(removed).toBeGreaterThanOrEqual(2);
    expect(await h.count(tenantId)).toBe(1);
    expect(await api.verify.query({})).toEqual({ ok: true, checked: 1 });
    expect((await api.events.list.query({})).items.map((e) => e.seq)).toEqual([3]);
  });
});

describe("export", () => {
  const get = (query: string, token?: string, locale = "en") =>
    h.app.fetch(
      new Request(`http://audit.test/export.csv${query}`, {
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "accept-language": locale },
      }),
    );

  test("streams the filtered range as CSV in chain order", async () => {
    const { tenantId, userId, story } = await recordedStory();
    const token = await h.signer.sign({ tenantId, userId, permissions: ["audit:event:export"] });
    const response = await get("", token);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.body).toBeInstanceOf(ReadableStream);
    const text = await response.text();
    const lines = text
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(lines[0]).toBe(
      "seq,event_id,time,recorded_at,type,subject_type,subject_id,actor_id,source,diff,data,prev_hash,hash",
    );
    expect(lines).toHaveLength(4);
    expect(lines[1]?.startsWith("1,")).toBe(true);
    expect(lines[2]).toContain('""field"":""name""');
    expect(lines[3]).toContain(story.id);
    const filtered = await (await get("?typePrefix=vextrus.organization.department.updated", token)).text();
    expect(filtered.trimEnd().split("\r\n")).toHaveLength(2);
  });

  test("needs a token with audit:event:export and valid filters", async () => {
    expect((await get("")).status).toBe(401);
    expect((await get("", "junk")).status).toBe(401);
    const reader = await h.newTenant(["audit:event:read"]);
    const denied = await get("", reader.token);
    expect(denied.status).toBe(403);
    const exporter = await h.newTenant(["audit:event:export"]);
    const bad = await get("?from=yesterday&subjectType=Not%20A%20Type", exporter.token, "bn");
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { issues: { path: string; message: string }[] } };
    expect(body.error.issues.map((i) => i.path).sort()).toEqual(["from", "subjectType"]);
    expect(body.error.issues.some((i) => /[\u0980-\u09FF]/.test(i.message))).toBe(true);
  });

  test("a NUL in a filter is a 400 naming it, and the message names the first field, not 'The input is invalid'", async () => {
    const exporter = await h.newTenant(["audit:event:export"]);
    const nul = await get("?actorId=ab%00cd", exporter.token);
    expect(nul.status).toBe(400);
    const body = (await nul.json()) as {
      error: { message: string; issues: { path: string; code: string }[] };
    };
    expect(body.error.issues).toEqual([expect.objectContaining({ path: "actorId", code: "input.nul" })]);
    expect(body.error.message).toStartWith("actorId: ");
    const bad = await get("?from=yesterday", exporter.token, "bn");
    const bn = (await bad.json()) as { error: { message: string } };
    expect(bn.error.message).toStartWith("from: ");
    expect(bn.error.message).not.toContain("ইনপুটটি সঠিক নয়");
  });
});

test("metrics: events recorded, chains and entries in total, consumer counters; no tenant id anywhere", async () => {
  const { tenantId } = await recordedStory();
  const other = await recordedStory();
  const response = await h.app.fetch(new Request("http://audit.test/metrics"));
  expect(response.status).toBe(200);
  const text = await response.text();
  expect(text).toMatch(/vextrus_audit_events_recorded_total\{[^}]*\} [1-9]/);
  const gauge = (name: string) => Number(text.match(new RegExp(`^${name}\\{[^}]*\\} (\\d+)$`, "m"))?.[1]);
  expect(gauge("vextrus_audit_chains")).toBeGreaterThanOrEqual(2);
  expect(gauge("vextrus_audit_entries")).toBeGreaterThanOrEqual(6);
  expect(text).toMatch(
    /vextrus_events_handled_total\{[^}]*topic="vextrus.organization.department"[^}]*\} [1-9]/,
  );
  expect(text).toContain("vextrus_events_consumer_lag{");
  for (const id of [tenantId, other.tenantId]) {
    expect(text).not.toContain(id);
  }
  expect(text).not.toMatch(/tenant="/);
  expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
});
