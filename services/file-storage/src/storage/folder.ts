import { createHmac, timingSafeEqual } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { isObjectKey } from "./keys.ts";
import { type ObjectStore, type ResponseHeaders, StoreError } from "./types.ts";

export interface FolderOptions {
  /** `DATA_DIR/files`. */
  dir: string;
  /** This service's base URL as callers reach it: links are `<publicUrl>/objects/<token>`. */
  publicUrl: string;
  /** Seals links (HMAC-SHA256). */
  secret: string;
  /** Largest body a link accepts. */
  maxBytes: number;
  now?: () => Date;
}

/** What a link lets its bearer do, sealed into its token. */
interface Grant {
  op: "put" | "part" | "get";
  key: string;
  exp: number;
  uploadId?: string;
  part?: number;
  /** The SHA-256 (hex) a whole-object PUT must have. */
  sha256?: string;
  response?: ResponseHeaders;
}

const UPLOAD_ID = /^[0-9a-f-]{36}$/;

/**
 * The embedded default: objects are files under `dir` (same keys as S3), and "presigned" URLs are
 * links to this service's own `/objects/<token>` route, sealed with an HMAC and an expiry, so the
 * callers' flow is the same as with S3.
 */
export function folderStore(options: FolderOptions): ObjectStore {
  const now = options.now ?? (() => new Date());
  const pathOf = (key: string) => {
    if (!isObjectKey(key)) {
      throw new StoreError("not an object key");
    }
    return join(options.dir, key);
  };
  const partsDir = (uploadId: string) => {
    if (!UPLOAD_ID.test(uploadId)) {
      throw new StoreError("not an upload id");
    }
    return join(options.dir, ".multipart", uploadId);
  };
  const mac = (payload: string) => createHmac("sha256", options.secret).update(payload).digest("base64url");
  const link = async (grant: Omit<Grant, "exp">, ttlSeconds: number) => {
    const payload = Buffer.from(
      JSON.stringify({ ...grant, exp: Math.floor(now().getTime() / 1000) + ttlSeconds }),
    ).toString("base64url");
    return `${options.publicUrl.replace(/\/+$/, "")}/objects/${payload}.${mac(payload)}`;
  };
  const open = (token: string): Grant | undefined => {
    const [payload = "", signature = ""] = token.split(".", 2);
    const expected = Buffer.from(mac(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return undefined;
    }
    const grant = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Grant;
    return grant.exp * 1000 >= now().getTime() ? grant : undefined;
  };

  /**
   * Streams `body` into `path` through a temporary file; refuses more than `limit` bytes, and a body
   * whose SHA-256 is not `sha256` when given (as S3 does with a checksum header).
   */
  async function writeFile(path: string, body: ReadableStream<Uint8Array>, limit: number, sha256?: string) {
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.tmp-${Bun.randomUUIDv7()}`;
    let seen = 0;
    const hasher = new Bun.CryptoHasher("sha256");
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        seen += chunk.length;
        hasher.update(chunk);
        done(seen > limit ? new StoreError("the body is larger than allowed", 413) : null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(body as never), counter, createWriteStream(temporary));
      if (sha256 && hasher.digest("hex") !== sha256) {
        throw new StoreError("BadDigest: the body does not have the declared SHA-256", 400);
      }
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  const store: ObjectStore = {
    kind: "folder",
    async prepare() {
      await mkdir(options.dir, { recursive: true });
    },
    async check() {
      await stat(options.dir);
    },
    async presignPut(key, ttl, sha256) {
      pathOf(key);
      return { url: await link({ op: "put", key, sha256 }, ttl), headers: {} };
    },
    async startMultipart(key) {
      pathOf(key);
      const uploadId = crypto.randomUUID();
      await mkdir(partsDir(uploadId), { recursive: true });
      return uploadId;
    },
    presignPart: (key, uploadId, part, ttl) => link({ op: "part", key, uploadId, part }, ttl),
    async finishMultipart(key, uploadId) {
      const dir = partsDir(uploadId);
      const parts = (await readdir(dir).catch(() => [] as string[]))
        .filter((name) => /^\d+$/.test(name))
        .sort((a, b) => Number(a) - Number(b));
      if (parts.length === 0) {
        throw new StoreError("no parts were uploaded", 400);
      }
      const target = pathOf(key);
      await mkdir(dirname(target), { recursive: true });
      const temporary = `${target}.tmp-${uploadId}`;
      const out = createWriteStream(temporary);
      for (const part of parts) {
        await pipeline(Readable.fromWeb(Bun.file(join(dir, part)).stream() as never), out, { end: false });
      }
      await new Promise<void>((done, fail) =>
        out.end((error?: Error | null) => (error ? fail(error) : done())),
      );
      await rename(temporary, target);
      await rm(dir, { recursive: true, force: true });
    },
    async abortMultipart(_key, uploadId) {
      await rm(partsDir(uploadId), { recursive: true, force: true });
    },
    presignGet: (key, ttl, response) => link({ op: "get", key, response }, ttl),
    async stat(key) {
      const info = await stat(pathOf(key)).catch(() => undefined);
      return info?.isFile() ? { size: info.size } : undefined;
    },
    async read(key) {
      const file = Bun.file(pathOf(key));
      if (!(await file.exists())) {
        throw new StoreError("no such object", 404);
      }
      return file.stream();
    },
    async readHead(key, length) {
      const file = Bun.file(pathOf(key));
      if (!(await file.exists())) {
        return undefined;
      }
      return { head: new Uint8Array(await file.slice(0, length).arrayBuffer()), size: file.size };
    },
    write: (key, body, size, sha256) => writeFile(pathOf(key), body, size, sha256),
    async remove(key) {
      await rm(pathOf(key), { force: true });
    },
    async serveLink(token, request) {
      const grant = open(token);
      const wanted = request.method === "GET" ? ["get"] : ["put", "part"];
      if (!grant || !wanted.includes(grant.op)) {
        return new Response("The link is invalid or has expired", { status: 403 });
      }
      if (grant.op === "get") {
        const file = Bun.file(pathOf(grant.key));
        if (!(await file.exists())) {
          return new Response("No such object", { status: 404 });
        }
        return new Response(file.stream(), {
          headers: {
            "content-type": grant.response?.contentType ?? "application/octet-stream",
            "content-disposition": grant.response?.disposition ?? "attachment",
            "content-length": String(file.size),
          },
        });
      }
      if (!request.body) {
        return new Response("No body", { status: 400 });
      }
      const target =
        grant.op === "part" && grant.uploadId
          ? join(partsDir(grant.uploadId), String(grant.part ?? 0))
          : pathOf(grant.key);
      try {
        await writeFile(
          target,
          request.body,
          options.maxBytes,
          grant.op === "put" ? grant.sha256 : undefined,
        );
      } catch (error) {
        const status = error instanceof StoreError && error.status ? error.status : 500;
        return new Response(error instanceof StoreError ? error.message : "Upload failed", { status });
      }
      return new Response(null, { status: 200 });
    },
  };
  return store;
}
