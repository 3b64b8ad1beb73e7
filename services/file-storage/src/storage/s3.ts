import { AwsClient } from "aws4fetch";
import { isObjectKey } from "./keys.ts";
import { createPresigner } from "./presign.ts";
import { type ObjectStore, type ResponseHeaders, type SignedTarget, StoreError } from "./types.ts";

export interface S3Options {
  endpoint: string;
  /** The endpoint as callers reach it, when it differs (presigned URLs are signed for its host). */
  publicEndpoint?: string | undefined;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Per-request deadline for the service's own calls (not for presigned transfers). */
  timeoutMs?: number;
}

const xmlValues = (xml: string, tag: string) =>
  [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, "g"))].map((m) => m[1] ?? "");

const escapeXml = (text: string) =>
  text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`).replace(/&#34;/g, "&quot;");

/**
 * The S3 API through aws4fetch (SigV4 over fetch, path-style URLs): every S3-compatible store
 * speaks it. Presigned URLs are SigV4 query signatures; a changed byte in one is refused (403).
 */
export function s3Store(options: S3Options): ObjectStore {
  const aws = new AwsClient({
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    service: "s3",
    region: options.region,
    // A refused call is answered at once; retrying belongs to the caller (and streams cannot be re-sent).
    retries: 0,
  });
  const bucketAt = (endpoint: string) => `${endpoint.replace(/\/+$/, "")}/${options.bucket}`;
  const base = bucketAt(options.endpoint);
  const publicBase = bucketAt(options.publicEndpoint ?? options.endpoint);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const url = (key: string, query = "", at = base) => {
    if (!isObjectKey(key)) {
      throw new StoreError("not an object key");
    }
    return `${at}/${key}${query}`;
  };

  async function send(target: string, init: RequestInit & { ok?: number[] } = {}): Promise<Response> {
    const res = await aws.fetch(target, { ...init, signal: init.signal ?? AbortSignal.timeout(timeoutMs) });
    if (!res.ok && !(init.ok ?? []).includes(res.status)) {
      const text = await res.text().catch(() => "");
      throw new StoreError(
        `S3 ${init.method ?? "GET"} answered ${res.status}: ${text.slice(0, 200)}`,
        res.status,
      );
    }
    return res;
  }

  // Presigned URLs are signed in process, synchronously (presign.ts); aws4fetch signs our own calls.
  const presigner = createPresigner(options);
  const presign = async (
    target: string,
    method: string,
    ttlSeconds: number,
    headers?: Record<string, string>,
  ) => presigner(method, target, ttlSeconds, headers);

  return {
    kind: "s3",
    async prepare() {
      // BucketAlreadyOwnedByYou (409) means it is there already.
      await send(base, { method: "PUT", ok: [409] }).then((res) => res.body?.cancel());
    },
    async check() {
      await send(base, { method: "HEAD" }).then((res) => res.body?.cancel());
    },
    async presignPut(key, ttl, sha256): Promise<SignedTarget> {
      // Signed, so the caller must send it; S3 refuses a body with another digest (400 BadDigest).
      const headers = { "x-amz-checksum-sha256": Buffer.from(sha256, "hex").toString("base64") };
      return { url: await presign(url(key, "", publicBase), "PUT", ttl, headers), headers };
    },
    async startMultipart(key) {
      const res = await send(url(key, "?uploads"), { method: "POST" });
      const uploadId = xmlValues(await res.text(), "UploadId")[0];
      if (!uploadId) {
        throw new StoreError("S3 started a multipart upload without an UploadId");
      }
      return uploadId;
    },
    presignPart: (key, uploadId, partNumber, ttl) =>
      presign(
        url(key, `?partNumber=${partNumber}&uploadId=${encodeURIComponent(uploadId)}`, publicBase),
        "PUT",
        ttl,
      ),
    async finishMultipart(key, uploadId) {
      const parts: { number: string; etag: string }[] = [];
      let marker = "0";
      for (;;) {
        const query = `?uploadId=${encodeURIComponent(uploadId)}&part-number-marker=${marker}`;
        const xml = await (await send(url(key, query))).text();
        const numbers = xmlValues(xml, "PartNumber");
        const etags = xmlValues(xml, "ETag");
        numbers.forEach((number, i) => {
          parts.push({ number, etag: etags[i] ?? "" });
        });
        const next = xmlValues(xml, "NextPartNumberMarker")[0];
        if (xmlValues(xml, "IsTruncated")[0] !== "true" || !next) {
          break;
        }
        marker = next;
      }
      if (parts.length === 0) {
        throw new StoreError("no parts were uploaded", 400);
      }
      const body = `<CompleteMultipartUpload>${parts
        .map((p) => `<Part><PartNumber>${p.number}</PartNumber><ETag>${escapeXml(p.etag)}</ETag></Part>`)
        .join("")}</CompleteMultipartUpload>`;
      const res = await send(url(key, `?uploadId=${encodeURIComponent(uploadId)}`), { method: "POST", body });
      // S3 may answer 200 with an <Error> body once it has started assembling.
      const text = await res.text();
      if (text.includes("<Error>")) {
        throw new StoreError(`S3 could not complete the multipart upload: ${text.slice(0, 200)}`, 400);
      }
    },
    async abortMultipart(key, uploadId) {
      await send(url(key, `?uploadId=${encodeURIComponent(uploadId)}`), {
        method: "DELETE",
        ok: [404],
      }).then((res) => res.body?.cancel());
    },
    presignGet(key, ttl, response: ResponseHeaders) {
      const query =
        `?response-content-disposition=${encodeURIComponent(response.disposition)}` +
        `&response-content-type=${encodeURIComponent(response.contentType)}`;
      return presign(url(key, query, publicBase), "GET", ttl);
    },
    async stat(key) {
      const res = await send(url(key), { method: "HEAD", ok: [404] });
      if (res.status === 404) {
        return undefined;
      }
      return { size: Number(res.headers.get("content-length") ?? "0") };
    },
    async read(key) {
      // No deadline on the body: a large object takes as long as it takes.
      const res = await aws.fetch(url(key));
      if (!res.ok || !res.body) {
        await res.body?.cancel();
        throw new StoreError(`S3 GET answered ${res.status}`, res.status);
      }
      return res.body;
    },
    async readHead(key, length) {
      const res = await send(url(key), { headers: { range: `bytes=0-${length - 1}` }, ok: [404, 416] });
      if (res.status === 404) {
        await res.body?.cancel();
        return undefined;
      }
      // 206 names the whole size after the slash; 416 is an empty object; 200 ignored the range.
      const range = /\/(\d+)$/.exec(res.headers.get("content-range") ?? "")?.[1];
      const size = Number(range ?? (res.status === 416 ? 0 : res.headers.get("content-length")));
      if (res.status === 416) {
        await res.body?.cancel();
        return { head: new Uint8Array(0), size };
      }
      const head = new Uint8Array(length);
      let filled = 0;
      for await (const chunk of res.body ?? new ReadableStream<Uint8Array>()) {
        const take = chunk.subarray(0, length - filled);
        head.set(take, filled);
        filled += take.length;
        if (filled >= length) {
          break;
        }
      }
      return { head: head.subarray(0, filled), size };
    },
    async write(key, body, size, sha256) {
      const res = await aws.fetch(url(key), {
        method: "PUT",
        body,
        headers: {
          "content-length": String(size),
          "x-amz-checksum-sha256": Buffer.from(sha256, "hex").toString("base64"),
        },
        // Bun streams a ReadableStream body; fetch needs to be told it is half-duplex.
        duplex: "half",
      } as RequestInit);
      if (!res.ok) {
        throw new StoreError(`S3 PUT answered ${res.status}`, res.status);
      }
      await res.body?.cancel();
    },
    async remove(key) {
      await send(url(key), { method: "DELETE", ok: [404] }).then((res) => res.body?.cancel());
    },
  };
}
