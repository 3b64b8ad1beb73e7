import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mushak63 } from "./fixtures.ts";
import { ACCOUNTANT, type DocumentsHarness, failure, startDocuments } from "./harness.ts";
import { decodeQr, pagesAsPng } from "./looking.ts";

let h: DocumentsHarness;

beforeAll(async () => {
  h = await startDocuments("issue");
});
afterAll(() => h.stop());

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, "base64"));
const sha256 = (b: Uint8Array) => new Bun.CryptoHasher("sha256").update(b).digest("hex");

describe("documents.issue", () => {
  test("stores the PDF in file-storage, records it with its SHA-256, announces it; every download is the same bytes", async () => {
    const t = await h.newTenant();
    const issued = await t.api.issue.mutate({ template: "mushak-6.3", locale: "bn", data: mushak63() });
    expect(issued).toMatchObject({
      template: "mushak-6.3",
      templateVersion: 2,
      number: "INV-2026/0042",
      status: "issued",
      pages: 1,
      summary: { total: "1349047.51", sellerBin: "0001234560101" },
    });
    expect(issued.evaluationIds).toHaveLength(3);
    expect(issued.fileId).toBeString();

    const first = await t.api.pdf.query({ id: issued.id });
    expect(sha256(bytes(first.pdf))).toBe(issued.sha256);
    // Through file-storage's own link: the very bytes issued.
    const link = await t.api.downloadUrl.query({ id: issued.id });
    const fetched = new Uint8Array(await (await fetch(link.url)).arrayBuffer());
    expect(sha256(fetched)).toBe(issued.sha256);
    // Later, after time has moved on, the issued copy does not change (a new render would).
    h.setNow(new Date("2027-01-15T04:00:00Z"));
    try {
      const again = await t.api.pdf.query({ id: issued.id });
      expect(again.pdf).toBe(first.pdf);
      const preview = await t.api.render.mutate({ template: "mushak-6.3", locale: "bn", data: mushak63() });
      expect(preview.sha256).not.toBe(issued.sha256);
    } finally {
      h.setNow(new Date("2026-12-06T10:30:00Z"));
    }

    // The QR code of the stored PDF carries the content hash the record keeps.
    const [page] = pagesAsPng(bytes(first.pdf), { dpi: 150 });
    expect(decodeQr(page as Buffer)?.endsWith(`|${issued.contentHash}`)).toBe(true);

    const [event] = await h.sql<
      { event: { type: string; subject: string; data: Record<string, unknown> } }[]
    >`
      select event from document_generator.outbox where key = ${issued.id}`;
    expect(event?.event.type).toBe("vextrus.document.document.issued");
    expect(event?.event.data).toMatchObject({ id: issued.id, sha256: issued.sha256, fileId: issued.fileId });

    const listed = await t.api.list.query({ limit: 10 });
    expect(listed.items.map((d) => d.id)).toEqual([issued.id]);
  });

  test("verify: by id, by the PDF's SHA-256, by the QR code's content hash; anything else is not genuine", async () => {
    const t = await h.newTenant();
    const issued = await t.api.issue.mutate({
      template: "mushak-6.3",
      locale: "en",
      data: mushak63({ number: "INV-V-1" }),
    });
    expect(await t.api.verify.query({ id: issued.id })).toMatchObject({ genuine: true, matched: "id" });
    expect(await t.api.verify.query({ sha256: issued.sha256 })).toMatchObject({
      genuine: true,
      matched: "pdf",
      document: { number: "INV-V-1", summary: { total: "1349047.51" } },
    });
    expect(await t.api.verify.query({ sha256: issued.contentHash })).toMatchObject({
      genuine: true,
      matched: "content",
    });
    // A preview was never issued: its hash is unknown.
    const preview = await t.api.render.mutate({
      template: "mushak-6.3",
      locale: "en",
      data: mushak63({ number: "X-1" }),
    });
    expect(await t.api.verify.query({ sha256: preview.sha256 })).toEqual({
      genuine: false,
      matched: null,
      document: null,
    });
  });

  test("the same number twice is CONFLICT; the first stays as issued", async () => {
    const t = await h.newTenant();
    const data = mushak63({ number: "INV-DUP-1" });
    const first = await t.api.issue.mutate({ template: "mushak-6.3", locale: "bn", data });
    const second = await failure(t.api.issue.mutate({ template: "mushak-6.3", locale: "bn", data }));
    expect(second).toMatchObject({ code: "CONFLICT", appCode: "documents.number.taken" });
    expect((await t.api.get.query({ id: first.id })).sha256).toBe(first.sha256);
  });

  test("another tenant's document does not exist for you (row-level security), and an issued row cannot be changed", async () => {
    const a = await h.newTenant();
    const b = await h.newTenant();
    const issued = await a.api.issue.mutate({
      template: "mushak-6.3",
      locale: "bn",
      data: mushak63({ number: "RLS-1" }),
    });
    expect(await failure(b.api.get.query({ id: issued.id }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await failure(b.api.pdf.query({ id: issued.id }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await b.api.verify.query({ sha256: issued.sha256 })).toMatchObject({ genuine: false });
    expect((await b.api.list.query({ limit: 10 })).items).toEqual([]);

    // As the application role, inside A's tenant: the restrictive policies freeze an issued row.
    const changed = await h.sql.begin(async (tx) => {
      await tx`set local role vextrus_app`;
      await tx`select set_config('app.tenant_id', ${a.tenantId}, true)`;
      const updated = await tx`update document_generator.documents set sha256 = 'x' where id = ${issued.id}`;
      const deleted = await tx`delete from document_generator.documents where id = ${issued.id}`;
      return updated.count + deleted.count;
    });
    expect(changed).toBe(0);
    // Without a tenant, nothing is visible at all.
    const seen = await h.sql.begin(async (tx) => {
      await tx`set local role vextrus_app`;
      return tx`select id from document_generator.documents`;
    });
    expect(seen).toHaveLength(0);
  });

  test("permissions: issuing needs document-generator:document:issue, and file-storage's upload right too", async () => {
    const t = await h.newTenant();
    const reader = await h.token(t.tenantId, [
      "document-generator:document:read",
      "document-generator:document:render",
    ]);
    const denied = await failure(
      h
        .client(reader)
        .issue.mutate({ template: "mushak-6.3", locale: "bn", data: mushak63({ number: "P-1" }) }),
    );
    expect(denied.code).toBe("FORBIDDEN");
    const noUpload = await h.token(
      t.tenantId,
      ACCOUNTANT.filter((p) => p !== "file-storage:file:upload"),
    );
    const refused = await failure(
      h
        .client(noUpload)
        .issue.mutate({ template: "mushak-6.3", locale: "bn", data: mushak63({ number: "P-2" }) }),
    );
    expect(refused.code).toBe("FORBIDDEN");
    // The number is free again: nothing was issued.
    const ok = await t.api.issue.mutate({
      template: "mushak-6.3",
      locale: "bn",
      data: mushak63({ number: "P-2" }),
    });
    expect(ok.status).toBe("issued");
  });
});
