/**
 * The embedded store (`.data/files/`): the same interface as S3, its "presigned" URLs HMAC-sealed
 * links served by the service itself. Checked like S3: a changed token or an expired one is 403, a
 * body with another SHA-256 is refused, keys are only ever `objectKey`'s.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { contentDisposition } from "../src/storage/disposition.ts";
import { folderStore } from "../src/storage/folder.ts";
import { objectKey } from "../src/storage/keys.ts";
import { sha256 } from "./harness.ts";

const dir = mkdtempSync(join(tmpdir(), "vextrus-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const clock = { now: new Date() };
const store = folderStore({
  dir,
  publicUrl: "http://files.test",
  secret: "s".repeat(32),
  maxBytes: 1024 * 1024,
  now: () => clock.now,
});
const key = () => objectKey(crypto.randomUUID(), Bun.randomUUIDv7(), clock.now);
const tokenOf = (url: string) => url.slice("http://files.test/objects/".length);
const serve = (url: string, init: RequestInit = {}) => {
  const serveLink = store.serveLink;
  if (!serveLink) {
    throw new Error("the folder store serves its links");
  }
  return serveLink.call(store, tokenOf(url), new Request(url, init));
};

describe("folder store", () => {
  test("PUT through a link, then GET through another with the RFC 6266 name", async () => {
    const k = key();
    const body = new TextEncoder().encode("%PDF-1.7 folder");
    const put = await store.presignPut(k, 60, sha256(body));
    expect(put.url).toStartWith("http://files.test/objects/");
    expect((await serve(put.url, { method: "PUT", body })).status).toBe(200);
    expect(await store.stat(k)).toEqual({ size: body.length });
    const probe = await store.readHead(k, 4);
    expect(probe?.size).toBe(body.length);
    expect(new TextDecoder().decode(probe?.head)).toBe("%PDF");
    const get = await store.presignGet(k, 60, {
      disposition: contentDisposition("চুক্তি.pdf"),
      contentType: "application/pdf",
    });
    const res = await serve(get);
    expect(await res.text()).toBe("%PDF-1.7 folder");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="______.pdf"; filename*=UTF-8''${encodeURIComponent("চুক্তি.pdf")}`,
    );
    // A GET link does not upload, a PUT link does not download.
    expect((await serve(get, { method: "PUT", body })).status).toBe(403);
    expect((await serve(put.url)).status).toBe(403);
  });

  test("other bytes than declared are refused (like S3's BadDigest) and leave nothing", async () => {
    const k = key();
    const put = await store.presignPut(k, 60, sha256(new TextEncoder().encode("declared")));
    expect((await serve(put.url, { method: "PUT", body: "something else" })).status).toBe(400);
    expect(await store.stat(k)).toBeUndefined();
  });

  test("a changed or expired link is 403", async () => {
    const k = key();
    const body = new TextEncoder().encode("x");
    const put = await store.presignPut(k, 60, sha256(body));
    const [payload = "", signature = ""] = tokenOf(put.url).split(".");
    const forged = `http://files.test/objects/${payload}.${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
    expect((await serve(forged, { method: "PUT", body })).status).toBe(403);
    clock.now = new Date(clock.now.getTime() + 61_000);
    expect((await serve(put.url, { method: "PUT", body })).status).toBe(403);
    clock.now = new Date();
  });

  test("multipart: parts assembled in order", async () => {
    const k = key();
    const uploadId = await store.startMultipart(k);
    for (const [n, text] of [
      [2, "world"],
      [1, "hello "],
    ] as const) {
      const url = await store.presignPart(k, uploadId, n, 60);
      expect((await serve(url, { method: "PUT", body: text })).status).toBe(200);
    }
    await store.finishMultipart(k, uploadId);
    expect(await new Response(await store.read(k)).text()).toBe("hello world");
  });

  test("keys other than <tenant>/<yyyy>/<mm>/<fileId> are refused", async () => {
    for (const bad of ["../etc/passwd", `${crypto.randomUUID()}/2026/01/../../x`, "a/b/c/d"]) {
      expect(() => store.stat(bad)).toThrow("not an object key");
    }
    expect(() => objectKey("../..", crypto.randomUUID(), new Date())).toThrow();
  });
});
