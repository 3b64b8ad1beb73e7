import { createTRPCClient, httpLink } from "@trpc/client";
import type { ConfigReader } from "@vextrus/config/reader";
import { bootOrganization } from "@vextrus/organization/boot";
import { OrganizationEnv } from "@vextrus/organization/env";
import type { OrganizationRouter } from "@vextrus/organization/router";
import { createLogger, createTokenVerifier } from "@vextrus/platform";
import { APP_ROLE, migrateService, postgresDatabase } from "@vextrus/platform/db";
import { createTestDatabase, createTestSigner, s3Settings } from "@vextrus/platform/testing";
import postgres from "postgres";
import superjson from "superjson";
import { createApp } from "../src/app.ts";
import { MIGRATIONS } from "../src/boot.ts";
import type { Limits } from "../src/deps.ts";
import type { FileStorageRouter } from "../src/router.ts";
import { s3Store } from "../src/storage/s3.ts";

const PLATFORM = ["platform:tenant:create", "platform:tenant:read", "platform:tenant:manage"];
/** May upload, read and attach files, but may not read organization records. */
export const FILES_ONLY = [
  "file-storage:file:read",
  "file-storage:file:upload",
  "file-storage:file:attach",
  "file-storage:file:archive",
];
export const WITH_COMPANIES = [...FILES_ONLY, "organization:company:read"];

type TestSigner = Awaited<ReturnType<typeof createTestSigner>>;
type Fetcher = { fetch(request: Request): Response | Promise<Response> };

export const sha256 = (bytes: Uint8Array) => new Bun.CryptoHasher("sha256").update(bytes).digest("hex");

/** A small but real PDF header followed by `body`. */
export const pdf = (body = Bun.randomUUIDv7()) => new TextEncoder().encode(`%PDF-1.7\n% ${body}\n%%EOF\n`);

/**
 * A real file-storage service for one test file: its own database on the real PostgreSQL, its own
 * bucket on the real S3 server of the test run (S3Proxy), a real organization service over HTTP
 * (the owner of the records files attach to), and a clock the test can move.
 */
export async function startFiles(
  label: string,
  limits: Partial<Limits> = {},
  options: { signer?: TestSigner; config?: ConfigReader } = {},
) {
  const testDb = await createTestDatabase(`files_${label}`);
  const signer = options.signer ?? (await createTestSigner());
  const quiet = createLogger({ level: "error", write: () => {} });
  const orgEnv = OrganizationEnv.parse({ DATABASE_URL: testDb.url, JWT_PUBLIC_KEY: signer.publicKey });
  const organization = await bootOrganization({ ...orgEnv, PORT: 0 }, { log: quiet });
  await migrateService({ url: testDb.url }, "file-storage", MIGRATIONS);
  const db = postgresDatabase({ url: testDb.url, appRole: APP_ROLE });
  const s3 = s3Settings();
  const bucket = `t-${label.toLowerCase().replace(/[^a-z0-9]/g, "")}-${Bun.randomUUIDv7().slice(-8)}`;
  const store = s3Store({ ...s3, bucket });
  await store.prepare();
  const clock = { offsetMs: 0 };
  const logLines: string[] = [];
  const app = createApp({
    db,
    log: createLogger({ level: "debug", write: (line) => logLines.push(line) }),
    verifyToken: await createTokenVerifier({ publicKey: signer.publicKey, issuer: "vextrus-auth" }),
    store,
    // Port 9 (discard) answers nothing: these suites attach files to organization records only.
    recordServices: {
      organization: organization.url,
      workflow: "http://127.0.0.1:9",
      masterData: "http://127.0.0.1:9",
      documents: "http://127.0.0.1:9",
    },
    limits,
    config: options.config,
    accessCacheMs: 0,
    now: () => new Date(Date.now() + clock.offsetMs),
  });
  const sql = postgres(testDb.url, { max: 2, onnotice: () => {} });
  const org = (token: string) =>
    createTRPCClient<OrganizationRouter>({
      links: [
        httpLink({
          url: `${organization.url}/trpc`,
          transformer: superjson,
          headers: { authorization: `Bearer ${token}` },
        }),
      ],
    });
  return {
    app,
    db,
    sql,
    store,
    bucket,
    clock,
    logLines,
    s3,
    client: (token?: string) => filesClient(app, token),
    /** A tenant with a company; `user(perms)` signs a token for a new user of it. */
    async newTenant(hint = "t") {
      const operator = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: PLATFORM });
      const tenant = await org(operator).tenants.create.mutate({
        slug: `${hint}-${Bun.randomUUIDv7().slice(-8)}`,
        legalName: `${hint} Builders Ltd`,
      });
      const admin = await signer.sign({ tenantId: tenant.id, permissions: ["organization:*"] });
      const company = await org(admin).companies.create.mutate({ name: `${hint} Company` });
      const user = async (permissions: readonly string[], userId = Bun.randomUUIDv7()) => {
        const token = await signer.sign({ tenantId: tenant.id, userId, permissions });
        return { userId, token, api: filesClient(app, token) };
      };
      return { tenantId: tenant.id, company, user };
    },
    async stop() {
      await sql.end();
      await db.close();
      for (const part of organization.parts) {
        await Promise.race([part.stop(), Bun.sleep(1_000)]);
      }
      await testDb.drop();
    },
  };
}

export type FilesHarness = Awaited<ReturnType<typeof startFiles>>;
export type FilesApi = ReturnType<typeof filesClient>;

export function filesClient(app: Fetcher, token?: string) {
  return createTRPCClient<FileStorageRouter>({
    links: [
      httpLink({
        url: "http://file-storage.test/trpc",
        transformer: superjson,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
        fetch: (url, init) => Promise.resolve(app.fetch(new Request(url, init as RequestInit))),
      }),
    ],
  });
}

/** PUTs `bytes` to the presigned URL(s) of an upload, part by part. */
export async function putBytes(
  upload: { parts: { partNumber: number; size: number; url: string; headers: Record<string, string> }[] },
  bytes: Uint8Array,
): Promise<number[]> {
  const statuses: number[] = [];
  let offset = 0;
  for (const part of upload.parts) {
    const res = await fetch(part.url, {
      method: "PUT",
      body: bytes.slice(offset, offset + part.size),
      headers: part.headers,
    });
    await res.body?.cancel();
    statuses.push(res.status);
    offset += part.size;
  }
  return statuses;
}

/** createUpload → PUT → completeUpload, as a browser does it. */
export async function upload(
  api: FilesApi,
  bytes: Uint8Array,
  options: {
    name?: string;
    contentType?: string;
    attachTo?: { service: "organization"; type: "company"; id: string };
    replaces?: string;
  } = {},
) {
  const granted = await api.createUpload.mutate({
    fileName: options.name ?? "work-order.pdf",
    contentType: options.contentType ?? "application/pdf",
    size: bytes.length,
    sha256: sha256(bytes),
    ...(options.attachTo ? { attachTo: options.attachTo } : {}),
    ...(options.replaces ? { replaces: options.replaces } : {}),
  });
  await putBytes(granted.upload, bytes);
  return api.completeUpload.mutate({ fileId: granted.file.id });
}

/** The error code (`data.code`) and app code a call failed with. */
export async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    const data = (error as { data?: { code?: string; appCode?: string; issues?: { path: string }[] } }).data;
    return { code: data?.code, appCode: data?.appCode, paths: (data?.issues ?? []).map((i) => i.path) };
  }
  throw new Error("expected the call to fail");
}
