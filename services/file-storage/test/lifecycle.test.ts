/**
 * Life cycle: versioned replacements keep history, the collector removes uploads never completed and
 * files nothing holds after the grace period (never one under legal hold), every state change writes
 * its event in the same transaction, and every table forces row-level security.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  type FilesHarness,
  failure,
  pdf,
  putBytes,
  sha256,
  startFiles,
  upload,
  WITH_COMPANIES,
} from "./harness.ts";

const HOUR = 3_600_000;
let h: FilesHarness;
let t: Awaited<ReturnType<FilesHarness["newTenant"]>>;
let me: Awaited<ReturnType<typeof t.user>>;
const company = () => ({ service: "organization" as const, type: "company" as const, id: t.company.id });

beforeAll(async () => {
  h = await startFiles("lifecycle", { graceMs: 24 * HOUR });
  t = await h.newTenant("life");
  me = await t.user([...WITH_COMPANIES, "file-storage:file:hold", "file-storage:file:collect"]);
}, 60_000);
afterAll(() => h.stop());

const keyOf = async (id: string) =>
  (await h.sql<{ key: string }[]>`select key from file_storage.files where id = ${id}`)[0]?.key ?? "";
const eventsOf = async (id: string) =>
  (
    await h.sql<
      { type: string }[]
    >`select event->>'type' as type from file_storage.outbox where key = ${id} order by id`
  ).map((r) => r.type);

describe("replacements", () => {
  test("a new revision takes over the attachments; the history keeps every revision", async () => {
    const first = await upload(me.api, pdf("rev1"), { name: "drawing.pdf", attachTo: company() });
    const second = await upload(me.api, pdf("rev2"), { name: "drawing v2.pdf", replaces: first.id });
    expect(second).toMatchObject({ revision: 2, lineageId: first.id, attachedTo: [company()] });
    const listed = await me.api.list.query({ attachedTo: company() });
    expect(listed.items.map((f) => f.id)).toContain(second.id);
    expect(listed.items.map((f) => f.id)).not.toContain(first.id);
    const history = await me.api.history.query({ id: second.id });
    expect(history.map((f) => [f.revision, f.superseded])).toEqual([
      [2, false],
      [1, true],
    ]);
    // The old revision is still there to download.
    const res = await fetch((await me.api.downloadUrl.query({ id: first.id })).url);
    expect(await res.text()).toContain("rev1");
    // A superseded revision cannot be replaced again.
    expect(
      await failure(
        me.api.createUpload.mutate({
          fileName: "x.pdf",
          contentType: "application/pdf",
          size: 10,
          sha256: sha256(pdf()),
          replaces: first.id,
        }),
      ),
    ).toMatchObject({ code: "BAD_REQUEST", paths: ["replaces"] });
  });
});

describe("the collector", () => {
  test("takes expired uploads and unattached files after the grace period, never held ones", async () => {
    const bytes = pdf("pending");
    const pending = await me.api.createUpload.mutate({
      fileName: "never finished.pdf",
      contentType: "application/pdf",
      size: bytes.length,
      sha256: sha256(bytes),
    });
    expect(await putBytes(pending.upload, bytes)).toEqual([200]);
    const loose = await upload(me.api, pdf("loose"), { name: "loose.pdf" });
    const kept = await upload(me.api, pdf("kept"), { attachTo: company() });
    const held = await upload(me.api, pdf("held"), { name: "held.pdf" });
    await me.api.setLegalHold.mutate({ id: held.id, hold: true, expectedVersion: held.version });

    // Within the grace period nothing goes.
    h.clock.offsetMs = 23 * HOUR;
    expect((await me.api.collect.mutate()).collected).toBe(0);

    h.clock.offsetMs = 25 * HOUR;
    const run = await me.api.collect.mutate();
    expect(run.collected).toBeGreaterThanOrEqual(2);
    expect(await h.store.stat(await keyOf(pending.file.id))).toBeUndefined();
    expect(await h.store.stat(await keyOf(loose.id))).toBeUndefined();
    expect(await failure(me.api.get.query({ id: loose.id }))).toMatchObject({ code: "NOT_FOUND" });
    expect((await me.api.get.query({ id: kept.id })).status).toBe("available");
    expect((await me.api.get.query({ id: held.id })).legalHold).toBe(true);
    expect(await h.store.stat(await keyOf(held.id))).toBeDefined();
    expect(await eventsOf(loose.id)).toContain("vextrus.file.object.collected");
    const [usage] = await h.sql<{ reserved: string; stored: string; blobs: string }[]>`
      select sum(reserved_bytes)::text as reserved, sum(stored_bytes)::text as stored,
        (select coalesce(sum(size), 0)::text from file_storage.blobs where tenant_id = ${t.tenantId}) as blobs
      from file_storage.usage where tenant_id = ${t.tenantId}`;
    expect(usage?.reserved).toBe("0");
    // The loose file's bytes were given back: what the quota counts as stored is what is still kept.
    expect(usage?.stored).toBe(usage?.blobs);
    h.clock.offsetMs = 0;
  });

  test("shared bytes stay while another file still uses them", async () => {
    const bytes = pdf("shared");
    const one = await upload(me.api, bytes, { name: "one.pdf" });
    const two = await upload(me.api, bytes, { name: "two.pdf", attachTo: company() });
    h.clock.offsetMs = 25 * HOUR;
    await me.api.collect.mutate();
    h.clock.offsetMs = 0;
    expect(await failure(me.api.get.query({ id: one.id }))).toMatchObject({ code: "NOT_FOUND" });
    const res = await fetch((await me.api.downloadUrl.query({ id: two.id })).url);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
  });
});

describe("events and tables", () => {
  test("each state change wrote its event, in order, for the audit log", async () => {
    const file = await upload(me.api, pdf(), { attachTo: company() });
    await me.api.detach.mutate({ fileId: file.id, entity: company() });
    await me.api.attach.mutate({ fileId: file.id, entity: company() });
    const current = await me.api.get.query({ id: file.id });
    await me.api.archive.mutate({ id: file.id, expectedVersion: current.version });
    expect(await eventsOf(file.id)).toEqual([
      "vextrus.file.object.upload_started",
      "vextrus.file.object.uploaded",
      "vextrus.file.object.detached",
      "vextrus.file.object.attached",
      "vextrus.file.object.archived",
    ]);
    const [row] = await h.sql<
      { event: { tenantid: string; actorid: string; data: Record<string, unknown> } }[]
    >`
      select event from file_storage.outbox where key = ${file.id} and event->>'type' = 'vextrus.file.object.archived'`;
    expect(row?.event.tenantid).toBe(t.tenantId);
    expect(row?.event.actorid).toBe(me.userId);
    expect(JSON.stringify(row?.event.data)).not.toContain(await keyOf(file.id));
  });

  test("every tenant table has row-level security enabled and forced", async () => {
    const rows = await h.sql<{ name: string; enabled: boolean; forced: boolean }[]>`
      select c.relname as name, c.relrowsecurity as enabled, c.relforcerowsecurity as forced
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'file_storage' and c.relkind = 'r' and c.relname <> 'outbox' order by 1`;
    expect([...rows]).toEqual(
      ["attachments", "blobs", "files", "usage"].map((name) => ({ name, enabled: true, forced: true })),
    );
  });
});
