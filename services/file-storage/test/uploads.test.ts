/**
 * Uploads against a real S3 server (S3Proxy from Maven Central, checking SigV4 signatures):
 * presigned PUT and multipart, verification of size, SHA-256 and magic bytes, object-key safety,
 * per-tenant dedupe and quota, presigned downloads with RFC 6266 names.
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

const MB = 1024 * 1024;
let h: FilesHarness;
let tenant: Awaited<ReturnType<FilesHarness["newTenant"]>>;
let me: Awaited<ReturnType<typeof tenant.user>>;

beforeAll(async () => {
  // Multipart from 6 MB, in 5 MB parts (S3's smallest), so a test file of 11 MB has three parts.
  h = await startFiles("uploads", { multipartThreshold: 6 * MB, partBytes: 5 * MB, maxFileBytes: 40 * MB });
  tenant = await h.newTenant("up");
  me = await tenant.user(WITH_COMPANIES);
}, 60_000);
afterAll(() => h.stop());

const keyOf = async (fileId: string) =>
  (await h.sql<{ key: string }[]>`select key from file_storage.files where id = ${fileId}`)[0]?.key ?? "";
const objectExists = async (key: string) => (await h.store.stat(key)) !== undefined;

describe("presigned PUT, complete, presigned GET", () => {
  test("a PDF uploads, becomes visible only once completed, and downloads under its Bengali name", async () => {
    const bytes = pdf();
    const name = "রাজউক অনুমোদন (চূড়ান্ত).pdf";
    const granted = await me.api.createUpload.mutate({
      fileName: name,
      contentType: "application/pdf",
      size: bytes.length,
      sha256: sha256(bytes),
    });
    expect(granted.file.status).toBe("pending");
    expect(granted.upload.multipart).toBe(false);
    expect(granted.upload.parts).toHaveLength(1);
    expect(granted.upload.parts[0]?.url).toStartWith(`${h.s3.endpoint}/${h.bucket}/`);
    expect(await failure(me.api.downloadUrl.query({ id: granted.file.id }))).toMatchObject({
      code: "PRECONDITION_FAILED",
    });
    expect(await putBytes(granted.upload, bytes)).toEqual([200]);
    const done = await me.api.completeUpload.mutate({ fileId: granted.file.id });
    expect(done).toMatchObject({ status: "available", name, size: bytes.length, sha256: sha256(bytes) });
    // Completing again answers the same file.
    expect((await me.api.completeUpload.mutate({ fileId: granted.file.id })).status).toBe("available");

    const link = await me.api.downloadUrl.query({ id: granted.file.id });
    const res = await fetch(link.url);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const disposition = res.headers.get("content-disposition") ?? "";
    expect(disposition).toStartWith("attachment; ");
    expect(disposition).toContain(
      `filename*=UTF-8''${encodeURIComponent(name).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
    );
    expect(disposition).toMatch(/filename="[\x20-\x7e]+"/);
    expect(link.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(120_000);
  });

  test("completeUpload with download: true answers the download link too (read permission needed)", async () => {
    const bytes = pdf();
    const granted = await me.api.createUpload.mutate({
      fileName: "হিসাব.pdf",
      contentType: "application/pdf",
      size: bytes.length,
      sha256: sha256(bytes),
    });
    expect(await putBytes(granted.upload, bytes)).toEqual([200]);
    const done = await me.api.completeUpload.mutate({ fileId: granted.file.id, download: true });
    expect(done.status).toBe("available");
    const res = await fetch(done.download?.url ?? "");
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    expect(res.headers.get("content-disposition")).toContain(
      `filename*=UTF-8''${encodeURIComponent("হিসাব.pdf")}`,
    );
    // Again, once completed: the same file and a fresh link; without asking, no link.
    const again = await me.api.completeUpload.mutate({ fileId: granted.file.id, download: true });
    expect(again.download?.url).toStartWith(`${h.s3.endpoint}/${h.bucket}/`);
    expect((await me.api.completeUpload.mutate({ fileId: granted.file.id })).download).toBeUndefined();

    // An uploader who may not read files gets no link (and the upload is not completed for it).
    const writer = await tenant.user(["file-storage:file:upload"]);
    const other = pdf();
    const mine = await writer.api.createUpload.mutate({
      fileName: "w.pdf",
      contentType: "application/pdf",
      size: other.length,
      sha256: sha256(other),
    });
    await putBytes(mine.upload, other);
    expect(
      await failure(writer.api.completeUpload.mutate({ fileId: mine.file.id, download: true })),
    ).toMatchObject({
      code: "FORBIDDEN",
      appCode: "files.download.forbidden",
    });
    expect((await writer.api.completeUpload.mutate({ fileId: mine.file.id })).status).toBe("available");
  });

  test("a presigned URL with one changed character of its signature is refused by S3 (403)", async () => {
    const bytes = pdf();
    const granted = await me.api.createUpload.mutate({
      fileName: "tamper.pdf",
      contentType: "application/pdf",
      size: bytes.length,
      sha256: sha256(bytes),
    });
    const url = granted.upload.parts[0]?.url ?? "";
    const tampered = url.replace(
      /X-Amz-Signature=([0-9a-f])/,
      (_m, c: string) => `X-Amz-Signature=${c === "0" ? "1" : "0"}`,
    );
    expect(tampered).not.toBe(url);
    const res = await fetch(tampered, { method: "PUT", body: bytes });
    expect(res.status).toBe(403);
    expect(await objectExists(await keyOf(granted.file.id))).toBe(false);
    // Another object's key in an otherwise valid URL is refused too.
    const moved = url.replace(granted.file.id, Bun.randomUUIDv7());
    expect((await fetch(moved, { method: "PUT", body: bytes })).status).toBe(403);
  });

  test("a file over the threshold uploads in parts (S3 multipart) and is verified whole", async () => {
    const bytes = new Uint8Array(11 * MB);
    bytes.set(pdf());
    for (let i = 4096; i < bytes.length; i += 4096) {
      bytes[i] = i % 251;
    }
    const granted = await me.api.createUpload.mutate({
      fileName: "BOQ tower B.pdf",
      contentType: "application/pdf",
      size: bytes.length,
      sha256: sha256(bytes),
    });
    expect(granted.upload.multipart).toBe(true);
    expect(granted.upload.parts.map((p) => p.size)).toEqual([5 * MB, 5 * MB, MB]);
    expect(await putBytes(granted.upload, bytes)).toEqual([200, 200, 200]);
    const done = await me.api.completeUpload.mutate({ fileId: granted.file.id });
    expect(done.status).toBe("available");
    expect((await h.store.stat(await keyOf(done.id)))?.size).toBe(bytes.length);
  });
});

describe("object keys never come from the caller", () => {
  const KEY = /^[0-9a-f-]{36}\/\d{4}\/\d{2}\/[0-9a-f-]{36}$/;
  for (const name of [
    "../../../etc/passwd",
    "..\\..\\boot.ini",
    "চুক্তিপত্র/../../মূল.pdf",
    `${"ক".repeat(250)}.pdf`,
  ]) {
    test(`name ${JSON.stringify(name.slice(0, 40))} stays metadata; the key is <tenant>/<yyyy>/<mm>/<fileId>`, async () => {
      const file = await upload(me.api, pdf(), { name });
      expect(file.name).toBe(name);
      const key = await keyOf(file.id);
      const now = new Date();
      expect(key).toMatch(KEY);
      expect(key).toBe(
        `${tenant.tenantId}/${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, "0")}/${file.id}`,
      );
    });
  }
  test("a NUL, another control character or a name over 255 characters is refused (400 on fileName)", async () => {
    for (const fileName of ["a\u0000.pdf", "a\u0007b.pdf", `${"x".repeat(256)}.pdf`, "   "]) {
      const refused = await failure(
        me.api.createUpload.mutate({
          fileName,
          contentType: "application/pdf",
          size: 10,
          sha256: sha256(pdf()),
        }),
      );
      expect(refused).toMatchObject({ code: "BAD_REQUEST", paths: ["fileName"] });
    }
  });
});

describe("completion checks the stored bytes", () => {
  const grant = async (declared: Uint8Array, contentType = "application/pdf") =>
    me.api.createUpload.mutate({
      fileName: "declared.pdf",
      contentType,
      size: declared.length,
      sha256: sha256(declared),
    });

  test("a single PUT must carry the signed checksum, and S3 refuses other bytes (BadDigest)", async () => {
    const declared = pdf("aaaa");
    const granted = await grant(declared);
    const part = granted.upload.parts[0];
    expect(part?.headers).toEqual({
      "x-amz-checksum-sha256": Buffer.from(sha256(declared), "hex").toString("base64"),
    });
    // Without the header the signature does not match; with it, S3 checks the body's digest.
    expect((await fetch(part?.url ?? "", { method: "PUT", body: declared })).status).toBe(403);
    expect(await putBytes(granted.upload, pdf("bbbb"))).toEqual([400]);
    expect(await failure(me.api.completeUpload.mutate({ fileId: granted.file.id }))).toMatchObject({
      code: "PRECONDITION_FAILED",
      appCode: "files.upload.missing",
    });
    expect((await me.api.get.query({ id: granted.file.id })).status).toBe("pending");
    // The right bytes, sent again on the same URL, complete it.
    expect(await putBytes(granted.upload, declared)).toEqual([200]);
    expect((await me.api.completeUpload.mutate({ fileId: granted.file.id })).status).toBe("available");
  });

  const big = (seed: number) => {
    const bytes = new Uint8Array(11 * MB);
    bytes.set(pdf(String(seed)));
    bytes.fill(seed % 251, 4096);
    return bytes;
  };

  test("parts are read back whole: other bytes fail on sha256 and the object is removed", async () => {
    const declared = big(1);
    const granted = await grant(declared);
    expect(await putBytes(granted.upload, big(2))).toEqual([200, 200, 200]);
    expect(await failure(me.api.completeUpload.mutate({ fileId: granted.file.id }))).toMatchObject({
      code: "BAD_REQUEST",
      paths: ["sha256"],
    });
    expect(await objectExists(await keyOf(granted.file.id))).toBe(false);
    expect((await me.api.get.query({ id: granted.file.id })).status).toBe("pending");
    // Its parts are gone with it: completing again says to start over (never a 500).
    expect(await failure(me.api.completeUpload.mutate({ fileId: granted.file.id }))).toMatchObject({
      code: "PRECONDITION_FAILED",
      appCode: "files.upload.no_parts",
    });
  });

  test("a part left out makes the object the wrong size: refused on size", async () => {
    const declared = big(3);
    const granted = await grant(declared);
    const first = { parts: granted.upload.parts.slice(0, 2) };
    expect(await putBytes(first, declared)).toEqual([200, 200]);
    expect(await failure(me.api.completeUpload.mutate({ fileId: granted.file.id }))).toMatchObject({
      code: "BAD_REQUEST",
      paths: ["size"],
    });
  });

  test("completing before anything was uploaded is PRECONDITION_FAILED", async () => {
    const granted = await grant(pdf());
    expect(await failure(me.api.completeUpload.mutate({ fileId: granted.file.id }))).toMatchObject({
      code: "PRECONDITION_FAILED",
    });
  });

  test("an executable declared as a PDF is refused by its magic bytes", async () => {
    const exe = new Uint8Array(512);
    exe.set([0x4d, 0x5a, 0x90, 0x00]);
    const granted = await grant(exe);
    await putBytes(granted.upload, exe);
    expect(await failure(me.api.completeUpload.mutate({ fileId: granted.file.id }))).toMatchObject({
      code: "BAD_REQUEST",
      paths: ["contentType"],
    });
    expect(await objectExists(await keyOf(granted.file.id))).toBe(false);
  });

  test("a content type off the allow-list is refused before anything is granted", async () => {
    const refused = await failure(
      me.api.createUpload.mutate({
        fileName: "setup.exe",
        contentType: "application/x-msdownload",
        size: 10,
        sha256: sha256(pdf()),
      }),
    );
    expect(refused).toMatchObject({ code: "BAD_REQUEST", paths: ["contentType"] });
  });

  test("only the uploader completes an upload; another tenant cannot see it at all", async () => {
    const granted = await grant(pdf());
    const colleague = await tenant.user(WITH_COMPANIES);
    expect(await failure(colleague.api.completeUpload.mutate({ fileId: granted.file.id }))).toMatchObject({
      code: "NOT_FOUND",
    });
    const other = await (await h.newTenant("other")).user(WITH_COMPANIES);
    expect(await failure(other.api.completeUpload.mutate({ fileId: granted.file.id }))).toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("dedupe and limits", () => {
  test("the same bytes uploaded twice are stored once and counted once against the quota", async () => {
    const bytes = pdf("same content");
    const usage = async () =>
      (
        await h.sql<
          { stored: string }[]
        >`select sum(stored_bytes)::text as stored from file_storage.usage where tenant_id = ${tenant.tenantId}`
      )[0]?.stored;
    const first = await upload(me.api, bytes, { name: "first.pdf" });
    const before = Number(await usage());
    const second = await upload(me.api, bytes, { name: "second.pdf" });
    expect(second.id).not.toBe(first.id);
    expect(await keyOf(second.id)).toBe(await keyOf(first.id));
    expect(Number(await usage())).toBe(before);
    // The second upload's own object was removed; both download the one stored copy.
    const secondUploadKey = (await keyOf(first.id)).replace(first.id, second.id);
    expect(await objectExists(secondUploadKey)).toBe(false);
    const res = await fetch((await me.api.downloadUrl.query({ id: second.id })).url);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    expect(res.headers.get("content-disposition")).toContain("second.pdf");
  });

  test("a file over the size limit is refused on size", async () => {
    const refused = await failure(
      me.api.createUpload.mutate({
        fileName: "huge.pdf",
        contentType: "application/pdf",
        size: 41 * MB,
        sha256: sha256(pdf()),
      }),
    );
    expect(refused).toMatchObject({ code: "BAD_REQUEST", paths: ["size"] });
  });
});

describe("quota", () => {
  let small: FilesHarness;
  beforeAll(async () => {
    small = await startFiles("quota", { tenantQuotaBytes: 1_000 });
  }, 60_000);
  afterAll(() => small.stop());

  test("uploads past the tenant's quota are refused; pending uploads count, a dedupe does not", async () => {
    const t = await small.newTenant("quota");
    const user = await t.user(WITH_COMPANIES);
    const content = new Uint8Array(600);
    content.set(pdf("q"));
    await upload(user.api, content, { name: "a.pdf" });
    // The same bytes again: stored once, fits.
    await upload(user.api, content, { name: "a-again.pdf" });
    const other = new Uint8Array(600);
    other.set(pdf("r"));
    const refused = await failure(
      user.api.createUpload.mutate({
        fileName: "b.pdf",
        contentType: "application/pdf",
        size: 600,
        sha256: sha256(other),
      }),
    );
    expect(refused).toMatchObject({ code: "PRECONDITION_FAILED", appCode: "files.quota.exceeded" });
    // Another tenant has its own quota.
    const elsewhere = await (await small.newTenant("quota2")).user(WITH_COMPANIES);
    expect((await upload(elsewhere.api, other)).status).toBe("available");
  });
});

describe("bytes sent through the service (PUT /files/<id>/content, what the gateway forwards)", () => {
  const send = (fileId: string, bytes: Uint8Array, token?: string, length = bytes.length) =>
    h.app.fetch(
      new Request(`http://file-storage.test/files/${fileId}/content`, {
        method: "PUT",
        // A stream, as a browser's body arrives: the service never holds it whole.
        body: new Blob([bytes.slice()]).stream(),
        headers: {
          "content-length": String(length),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      }),
    );
  const grant = (bytes: Uint8Array) =>
    me.api.createUpload.mutate({
      fileName: "site photo note.pdf",
      contentType: "application/pdf",
      size: bytes.length,
      sha256: sha256(bytes),
    });

  test("a small file streams to S3 and comes back completed", async () => {
    const bytes = pdf("through the service");
    const granted = await grant(bytes);
    const res = await send(granted.file.id, bytes, me.token);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("available");
    const download = await fetch((await me.api.downloadUrl.query({ id: granted.file.id })).url);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);
  });

  test("other bytes are refused on sha256 and nothing is stored; no token, another user or too long is refused", async () => {
    const declared = pdf("declared");
    const granted = await grant(declared);
    const wrong = await send(granted.file.id, pdf("other!!!"), me.token);
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { field: string } }).error.field).toBe("sha256");
    expect(await objectExists(await keyOf(granted.file.id))).toBe(false);
    expect((await send(granted.file.id, declared)).status).toBe(401);
    const colleague = await tenant.user(WITH_COMPANIES);
    expect((await send(granted.file.id, declared, colleague.token)).status).toBe(404);
    const reader = await tenant.user(["file-storage:file:read"]);
    expect((await send(granted.file.id, declared, reader.token)).status).toBe(403);
    expect((await send(granted.file.id, declared, me.token, 17 * MB)).status).toBe(400);
    expect((await me.api.get.query({ id: granted.file.id })).status).toBe("pending");
  });
});
