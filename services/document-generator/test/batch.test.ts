import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import JSZip from "jszip";
import { mushak63 } from "./fixtures.ts";
import { ACCOUNTANT, type DocumentsHarness, failure, startDocuments } from "./harness.ts";
import { pdfText } from "./looking.ts";

let h: DocumentsHarness;

beforeAll(async () => {
  h = await startDocuments("batch");
});
afterAll(() => h.stop());

type Api = Awaited<ReturnType<DocumentsHarness["newTenant"]>>["api"];
const sha256 = (b: Uint8Array) => new Bun.CryptoHasher("sha256").update(b).digest("hex");
const unnumbered = (buyerName: string) => {
  const { number: _n, ...data } = mushak63({ buyer: { ...mushak63().buyer, name: buyerName } });
  return data;
};

/** Polls `batches.get` until the batch is no longer running (or four minutes have passed). */
async function settled(api: Api, id: string) {
  const until = Date.now() + 240_000;
  while (Date.now() < until) {
    const batch = await api.batches.get.query({ id });
    if (batch.status !== "running") {
      return batch;
    }
    await Bun.sleep(100);
  }
  throw new Error("the batch did not settle within four minutes");
}

describe("documents.batch", () => {
  test("issues every item in order (numbers from the series), shows progress, ends with a ZIP of the issued PDFs", async () => {
    const t = await h.newTenant();
    const series = await h.newSeries(t.tenantId, "B-{SEQ:4}");
    const buyers = ["Buyer One", "Buyer Two", "Buyer Three", "Buyer Four", "Buyer Five"];
    const started = await t.api.batch.mutate({
      template: "mushak-6.3",
      locale: "en",
      series,
      items: buyers.map(unnumbered),
    });
    expect(started).toMatchObject({ template: "mushak-6.3", total: 5, failed: 0 });
    expect(["running", "completed"]).toContain(started.status);
    const done = await settled(t.api, started.id);
    expect(done).toMatchObject({
      status: "completed",
      total: 5,
      done: 5,
      failed: 0,
      pending: 0,
      failures: [],
    });

    const listed = (await t.api.list.query({ limit: 10 })).items;
    expect(listed.map((d) => d.number).sort()).toEqual(["B-0001", "B-0002", "B-0003", "B-0004", "B-0005"]);

    // The ZIP: one PDF per item, in order, each the very bytes issued (the document's SHA-256).
    const link = await t.api.batches.downloadUrl.query({ id: started.id });
    const zipBytes = new Uint8Array(await (await fetch(link.url)).arrayBuffer());
    expect(sha256(zipBytes)).toBe(done.result?.sha256 ?? "");
    const zip = await JSZip.loadAsync(zipBytes);
    const names = Object.keys(zip.files).sort();
    expect(names).toEqual([
      "0001-B-0001.pdf",
      "0002-B-0002.pdf",
      "0003-B-0003.pdf",
      "0004-B-0004.pdf",
      "0005-B-0005.pdf",
    ]);
    for (const [i, name] of names.entries()) {
      const pdf = await zip.file(name)?.async("uint8array");
      const doc = listed.find((d) => d.number === `B-000${i + 1}`);
      expect(sha256(pdf ?? new Uint8Array())).toBe(doc?.sha256 ?? "");
      expect(pdfText(pdf ?? new Uint8Array())).toContain(buyers[i] ?? "");
    }

    const events = await h.sql<{ type: string; data: Record<string, unknown> }[]>`
      select event->>'type' as type, event->'data' as data from document_generator.outbox
      where key = ${started.id} order by id`;
    expect(events.map((e) => e.type)).toEqual([
      "vextrus.document.batch.started",
      "vextrus.document.batch.completed",
    ]);
    expect(events[1]?.data).toMatchObject({ total: 5, done: 5, failed: 0, fileId: done.result?.fileId });
  });

  test("an item that cannot be issued fails alone, with its reason; the rest are issued", async () => {
    const t = await h.newTenant();
    const items = [mushak63({ number: "D-1" }), mushak63({ number: "D-1" }), mushak63({ number: "D-2" })];
    const started = await t.api.batch.mutate({ template: "mushak-6.3", locale: "bn", items });
    const done = await settled(t.api, started.id);
    expect(done).toMatchObject({ status: "completed", done: 2, failed: 1 });
    expect(done.failures).toEqual([
      { position: 2, code: "documents.number.taken", message: expect.stringContaining("D-1") },
    ]);
  });

  test("bad items refuse the whole batch up front, naming items.<n>.<field>; more than 500 items too", async () => {
    const t = await h.newTenant();
    const bad = mushak63({ buyer: { ...mushak63().buyer, bin: "123" } });
    const refused = await failure(
      t.api.batch.mutate({ template: "mushak-6.3", locale: "en", items: [mushak63(), mushak63(), bad] }),
    );
    expect(refused).toMatchObject({ code: "BAD_REQUEST", status: 400 });
    expect(refused.issues.map((i) => i.path)).toEqual(["items.2.buyer.bin"]);
    const unnumberedWithoutSeries = await failure(
      t.api.batch.mutate({ template: "mushak-6.3", locale: "en", items: [unnumbered("X")] }),
    );
    expect(unnumberedWithoutSeries.issues.map((i) => i.path)).toEqual(["items.0.number"]);
    const tooMany = await failure(
      t.api.batch.mutate({
        template: "mushak-6.3",
        locale: "en",
        items: Array.from({ length: 501 }, () => mushak63()),
      }),
    );
    expect(tooMany.issues.map((i) => i.path)).toEqual(["items"]);
    expect((await t.api.list.query({ limit: 10 })).items).toEqual([]);
  });

  test("permissions and tenancy: batching needs document:issue; another tenant's batch does not exist", async () => {
    const t = await h.newTenant();
    const reader = h.client(await h.token(t.tenantId, ["document-generator:document:read"]));
    const denied = await failure(
      reader.batch.mutate({ template: "mushak-6.3", locale: "en", items: [mushak63()] }),
    );
    expect(denied.code).toBe("FORBIDDEN");
    const started = await t.api.batch.mutate({
      template: "mushak-6.3",
      locale: "en",
      items: [mushak63({ number: "T-1" })],
    });
    await settled(t.api, started.id);
    expect(await reader.batches.get.query({ id: started.id })).toMatchObject({
      status: "completed",
      done: 1,
    });
    const other = await h.newTenant();
    expect((await failure(other.api.batches.get.query({ id: started.id }))).code).toBe("NOT_FOUND");
    expect((await failure(other.api.batches.resume.mutate({ id: started.id }))).code).toBe("NOT_FOUND");
  });

  test("a batch whose starter's token expires pauses with its items pending, and a resume finishes it", async () => {
    const t = await h.newTenant();
    const shortLived = await h.signer.sign({
      tenantId: t.tenantId,
      userId: t.userId,
      permissions: ACCOUNTANT,
      expiresIn: "2s",
    });
    // Each issue takes tens of milliseconds at least (three rule evaluations, a render, a store), so
    // 60 of them outlast the token.
    const items = Array.from({ length: 60 }, (_, i) => mushak63({ number: `E-${i + 1}` }));
    const started = await h.client(shortLived).batch.mutate({ template: "mushak-6.3", locale: "en", items });
    const paused = await settled(t.api, started.id);
    expect(paused.status).toBe("paused");
    expect(paused.pending).toBeGreaterThan(0);
    expect(paused.done + paused.pending).toBe(60);
    expect(paused.failed).toBe(0);
    // Someone who may issue takes it over with their own authority.
    await t.api.batches.resume.mutate({ id: started.id });
    const done = await settled(t.api, started.id);
    expect(done).toMatchObject({ status: "completed", done: 60, failed: 0 });
    expect(new Set((await t.api.list.query({ limit: 100 })).items.map((d) => d.number)).size).toBe(60);
  }, 600_000);
});
