/**
 * `POST /files/generated`: a file a service makes for the record it is creating (an issued
 * document's PDF), stored in S3 (S3Proxy, checking the SHA-256 as the bytes arrive), recorded as
 * available and attached in one request, without asking the record's owner.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FILES_ONLY, type FilesHarness, pdf, sha256, startFiles } from "./harness.ts";

const ISSUER = [...FILES_ONLY, "document-generator:document:issue"];
let h: FilesHarness;

beforeAll(async () => {
  h = await startFiles("generated", { tenantQuotaBytes: 4096 });
}, 60_000);
afterAll(() => h.stop());

interface Sent {
  bytes: Uint8Array;
  token?: string | undefined;
  documentId?: string;
  headers?: Record<string, string>;
}

const generate = ({ bytes, token, documentId = Bun.randomUUIDv7(), headers = {} }: Sent) =>
  h.app.fetch(
    new Request("http://file-storage.test/files/generated", {
      method: "POST",
      body: new Blob([bytes.slice()]).stream(),
      headers: {
        "content-type": "application/pdf",
        "content-length": String(bytes.length),
        "x-file-name": encodeURIComponent("mushak-6.3-চালান-17.pdf"),
        "x-sha256": sha256(bytes),
        "x-attach-to": `documents/document/${documentId}`,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
    }),
  );

const refusal = async (res: Response) => ({
  status: res.status,
  ...((await res.json()) as { error: { appCode: string; field?: string } }).error,
});

async function rowsOf(tenantId: string) {
  const files = await h.sql<{ id: string; status: string; key: string }[]>`
    select id, status, key from file_storage.files where tenant_id = ${tenantId}`;
  // The quota's slots together.
  const [usage] = await h.sql<{ stored: string }[]>`
    select coalesce(sum(stored_bytes), 0)::text as stored from file_storage.usage where tenant_id = ${tenantId}`;
  return { files: [...files], stored: Number(usage?.stored ?? 0) };
}

describe("a generated file in one request", () => {
  test("is stored, available, attached to its new record, counted once, with its events", async () => {
    const tenant = await h.newTenant("gen");
    const issuer = await tenant.user(ISSUER);
    const bytes = pdf("issued invoice");
    const documentId = Bun.randomUUIDv7();
    const res = await generate({ bytes, token: issuer.token, documentId });
    expect(res.status).toBe(200);
    const file = (await res.json()) as { id: string; status: string; name: string; attachedTo: unknown[] };
    expect(file).toMatchObject({
      status: "available",
      name: "mushak-6.3-চালান-17.pdf",
      attachedTo: [{ service: "documents", type: "document", id: documentId }],
    });
    const { files, stored } = await rowsOf(tenant.tenantId);
    expect(files).toHaveLength(1);
    expect(stored).toBe(bytes.length);
    const object = await h.store.read(files[0]?.key ?? "");
    expect(new Uint8Array(await new Response(object).arrayBuffer())).toEqual(bytes);
    const events = await h.sql<{ type: string }[]>`
      select event->>'type' as type from file_storage.outbox where key = ${file.id} order by 1`;
    expect(events.map((e) => e.type)).toEqual([
      "vextrus.file.object.attached",
      "vextrus.file.object.uploaded",
    ]);
  });

  test("other bytes than declared are refused on sha256, and nothing is recorded", async () => {
    const tenant = await h.newTenant("gensha");
    const issuer = await tenant.user(ISSUER);
    const res = await generate({
      bytes: pdf("what arrives"),
      token: issuer.token,
      headers: { "x-sha256": sha256(pdf("what was declared")) },
    });
    expect(await refusal(res)).toMatchObject({ status: 400, field: "sha256" });
    expect(await rowsOf(tenant.tenantId)).toEqual({ files: [], stored: 0 });
  });

  test("bytes that are not the declared type are refused, removed, and nothing is recorded", async () => {
    const tenant = await h.newTenant("gentype");
    const issuer = await tenant.user(ISSUER);
    const bytes = pdf("a pdf, said to be a zip");
    const res = await generate({
      bytes,
      token: issuer.token,
      headers: { "content-type": "application/zip" },
    });
    expect(await refusal(res)).toMatchObject({ status: 400, field: "contentType" });
    expect(await rowsOf(tenant.tenantId)).toEqual({ files: [], stored: 0 });
  });

  test("a record that has a file already takes no generated one (only a new record does)", async () => {
    const tenant = await h.newTenant("gentwice");
    const issuer = await tenant.user(ISSUER);
    const documentId = Bun.randomUUIDv7();
    expect((await generate({ bytes: pdf("first"), token: issuer.token, documentId })).status).toBe(200);
    const again = await generate({ bytes: pdf("second"), token: issuer.token, documentId });
    expect(await refusal(again)).toMatchObject({ status: 409, appCode: "files.generated.record_has_files" });
    const { files } = await rowsOf(tenant.tenantId);
    expect(files).toHaveLength(1);
    // Concurrent stores for one new record: exactly one wins.
    const racing = Bun.randomUUIDv7();
    const answers = await Promise.all(
      ["a", "b", "c"].map((n) =>
        generate({ bytes: pdf(`race ${n}`), token: issuer.token, documentId: racing }),
      ),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409]);
  });

  test("no token, no upload or issue permission, another kind of record, bad headers, over quota: refused", async () => {
    const tenant = await h.newTenant("genno");
    const issuer = await tenant.user(ISSUER);
    const uploader = await tenant.user(FILES_ONLY);
    const bytes = pdf("refused");
    expect((await generate({ bytes })).status).toBe(401);
    expect((await generate({ bytes, token: uploader.token })).status).toBe(403);
    const issueOnly = await tenant.user(["document-generator:document:issue"]);
    expect((await generate({ bytes, token: issueOnly.token })).status).toBe(403);
    const company = await generate({
      bytes,
      token: issuer.token,
      headers: { "x-attach-to": `organization/company/${tenant.company.id}` },
    });
    expect(await refusal(company)).toMatchObject({ status: 400, field: "attachTo" });
    for (const [header, value] of [
      ["x-attach-to", "documents/document/not-a-uuid"],
      ["x-file-name", ""],
      ["x-file-name", "%E0%A4"],
      ["x-sha256", "ABC"],
      ["content-type", "text/html"],
    ] as const) {
      const res = await generate({ bytes, token: issuer.token, headers: { [header]: value } });
      expect(await refusal(res)).toMatchObject({ status: 400, field: header });
    }
    const big = new Uint8Array(5000);
    big.set(pdf("too big for the quota"));
    const over = await generate({ bytes: big, token: issuer.token });
    expect(await refusal(over)).toMatchObject({ status: 412, appCode: "files.quota.exceeded" });
    expect(await rowsOf(tenant.tenantId)).toEqual({ files: [], stored: 0 });
  });
});
