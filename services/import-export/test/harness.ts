import { createHash } from "node:crypto";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { bootAuth } from "@vextrus/auth/boot";
import { AuthEnv } from "@vextrus/auth/env";
import { createInProcessBus } from "@vextrus/events";
import { bootFileStorage } from "@vextrus/file-storage/boot";
import { FileStorageEnv } from "@vextrus/file-storage/env";
import type { FileStorageRouter } from "@vextrus/file-storage/router";
import { bootMasterData } from "@vextrus/master-data/boot";
import { MasterDataEnv } from "@vextrus/master-data/env";
import type { MasterDataRouter } from "@vextrus/master-data/router";
import { createLogger, type Stoppable } from "@vextrus/platform";
import { openPglite } from "@vextrus/platform/pglite";
import { createTestDatabase, portForLater, s3Settings, type TestDatabase } from "@vextrus/platform/testing";
import postgres from "postgres";
import superjson from "superjson";
import { bootImportExport } from "../src/boot.ts";
import { ImportExportEnv } from "../src/env.ts";
import type { ImportExportRouter } from "../src/router.ts";

export const SECRET = "import-export-suite-service-token-secret-0123456789";

const quiet = () => createLogger({ level: "error" });

/** A port to bind later (file-storage and the killed child need fixed ones). */
export const freePort = () => portForLater();

/**
 * The services an import needs, each with its own database on the real PostgreSQL and verifying
 * tokens against the real auth service: auth (which also issues the jobs' tokens), master-data,
 * file-storage (on the test run's S3) and import-export. Tokens come from auth itself
 * (`POST /service-tokens`, the route import-export's jobs use).
 */
export async function startStack(
  label: string,
  /** `embedded`: every service on one PGlite with the in-process bus, as `npm start` runs them. */
  options: { importExport?: boolean; env?: Record<string, string>; embedded?: boolean } = {},
) {
  const dbs: TestDatabase[] = [];
  const db = async (name: string) => {
    const created = await createTestDatabase(`ie_${label}_${name}`);
    dbs.push(created);
    return created;
  };
  const parts: Stoppable[][] = [];
  const pglite = options.embedded ? await openPglite() : undefined;
  const bus = options.embedded ? createInProcessBus({ log: quiet() }) : undefined;
  const shared = () => ({ log: quiet(), pglite, bus });
  const authDb = await db("auth");
  const auth = await bootAuth(
    {
      ...AuthEnv.parse({ DATABASE_URL: authDb.url, SERVICE_TOKEN_SECRET: SECRET, LOG_LEVEL: "error" }),
      PORT: 0,
    },
    shared(),
  );
  parts.push(auth.parts);
  const jwksUrl = `${auth.url}/.well-known/jwks.json`;
  const mdDb = await db("md");
  const masterData = await bootMasterData(
    { ...MasterDataEnv.parse({ DATABASE_URL: mdDb.url, JWKS_URL: jwksUrl, LOG_LEVEL: "error" }), PORT: 0 },
    shared(),
  );
  parts.push(masterData.parts);
  const s3 = s3Settings();
  const filesDb = await db("files");
  const files = await bootFileStorage(
    {
      ...FileStorageEnv.parse({
        DATABASE_URL: filesDb.url,
        JWKS_URL: jwksUrl,
        LOG_LEVEL: "error",
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        S3_BUCKET: `ie-${label.toLowerCase().replace(/[^a-z0-9]/g, "")}-${Bun.randomUUIDv7().slice(-8)}`,
        MASTER_DATA_URL: masterData.url,
      }),
      PORT: 0,
    },
    shared(),
  );
  parts.push(files.parts);
  const ieDb = await db("ie");
  /** The settings import-export runs with, in-process here or as a child process. */
  const ieEnv: Record<string, string> = {
    DATABASE_URL: ieDb.url,
    JWKS_URL: jwksUrl,
    MASTER_DATA_URL: masterData.url,
    FILES_URL: files.url,
    AUTH_URL: auth.url,
    SERVICE_TOKEN_SECRET: SECRET,
    IMPORT_POLL_MS: "50",
    LOG_LEVEL: "error",
    ...options.env,
  };
  let importExportUrl = "";
  if (options.importExport !== false) {
    const ie = await bootImportExport({ ...ImportExportEnv.parse(ieEnv), PORT: 0 }, shared());
    parts.push(ie.parts);
    importExportUrl = ie.url;
  }
  bus?.start();
  const mdSql = postgres(mdDb.url, { max: 2, onnotice: () => {} });
  const ieSql = postgres(ieDb.url, { max: 2, onnotice: () => {} });

  /** A token from auth for a user of a tenant (one minute; asked for per call). */
  async function token(tenantId: string, userId: string, permissions: readonly string[]) {
    const res = await fetch(`${auth.url}/service-tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
      body: JSON.stringify({ tenantId, userId, permissions, service: "import-export" }),
    });
    const body = (await res.json()) as { token: string };
    return body.token;
  }

  async function tenant(
    permissions: readonly string[] = ["import-export:*", "master-data:*", "file-storage:*"],
  ) {
    const tenantId = Bun.randomUUIDv7();
    const userId = Bun.randomUUIDv7();
    const bearer = () => token(tenantId, userId, permissions);
    return {
      tenantId,
      userId,
      bearer,
      ie: (url = importExportUrl) => createClient<ImportExportRouter>(url, bearer),
      md: createClient<MasterDataRouter>(masterData.url, bearer),
      files: createClient<FileStorageRouter>(files.url, bearer),
      /** Keeps bytes in file storage as a user would: grant, PUT to the presigned URL, complete. */
      async upload(name: string, bytes: Uint8Array, contentType: string) {
        const api = createClient<FileStorageRouter>(files.url, bearer);
        const granted = await api.createUpload.mutate({
          fileName: name,
          contentType,
          size: bytes.length,
          sha256: createHash("sha256").update(bytes).digest("hex"),
        });
        let offset = 0;
        for (const part of granted.upload.parts) {
          const res = await fetch(part.url, {
            method: "PUT",
            headers: part.headers,
            body: bytes.slice(offset, offset + part.size),
          });
          offset += part.size;
          if (!res.ok) {
            throw new Error(`upload answered ${res.status}: ${await res.text()}`);
          }
        }
        return api.completeUpload.mutate({ fileId: granted.file.id });
      },
    };
  }

  return {
    auth,
    masterData,
    files,
    ieEnv,
    importExportUrl,
    mdSql,
    ieSql,
    tenant,
    async stop() {
      await mdSql.end({ timeout: 1 });
      await ieSql.end({ timeout: 1 });
      for (const list of parts.reverse()) {
        for (const part of list) {
          await Promise.race([part.stop(), Bun.sleep(1_000)]);
        }
      }
      await bus?.close();
      await pglite?.close();
      for (const d of dbs) {
        await d.drop();
      }
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;
export type Tenant = Awaited<ReturnType<Stack["tenant"]>>;

export function createClient<R>(url: string, token: () => Promise<string>) {
  return createTRPCClient<R extends import("@trpc/server").AnyTRPCRouter ? R : never>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        transformer: superjson,
        headers: async () => ({ authorization: `Bearer ${await token()}` }),
      }),
    ],
  });
}

/** Polls until `check` answers something (not undefined), or fails after `ms`. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await Bun.sleep(50);
  }
}

/** The tRPC error data of a call that must fail. */
export async function failure(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      return {
        ...(error.data as { code: string; appCode: string; issues?: { path: string; message: string }[] }),
        message: error.message,
      };
    }
    throw error;
  }
  throw new Error("expected the call to fail");
}
