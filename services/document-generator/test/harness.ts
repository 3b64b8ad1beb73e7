import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { bootFileStorage } from "@vextrus/file-storage/boot";
import { FileStorageEnv } from "@vextrus/file-storage/env";
import type { FileStorageRouter } from "@vextrus/file-storage/router";
import { bootMasterData } from "@vextrus/master-data/boot";
import { MasterDataEnv } from "@vextrus/master-data/env";
import type { MasterDataRouter } from "@vextrus/master-data/router";
import { createLogger, type Stoppable } from "@vextrus/platform";
import { createTestDatabase, createTestSigner, portForLater, s3Settings } from "@vextrus/platform/testing";
import { bootRulesEngine } from "@vextrus/rules-engine/boot";
import { RulesEngineEnv } from "@vextrus/rules-engine/env";
import type { RulesRouter } from "@vextrus/rules-engine/router";
import postgres from "postgres";
import superjson from "superjson";
import { bootDocumentGenerator } from "../src/boot.ts";
import { DocumentGeneratorEnv } from "../src/env.ts";
import type { DocumentGeneratorRouter } from "../src/router.ts";

/** What an accountant issuing invoices holds: documents, and what issuing needs of the other services. */
export const ACCOUNTANT = [
  "document-generator:document:render",
  "document-generator:document:issue",
  "document-generator:document:read",
  "rules:evaluation:run",
  "file-storage:file:upload",
  "file-storage:file:read",
  "master-data:series:next",
];

/** The moment every test document is issued at, unless a test moves it: 16:30 in Dhaka. */
export const ISSUED_AT = new Date("2026-12-06T10:30:00Z");

const freePort = () => portForLater();

async function stopAll(parts: readonly Stoppable[]) {
  for (const part of parts) {
    await Promise.race([part.stop(), Bun.sleep(1_000)]);
  }
}

export function documentsClient(url: string, token?: string, locale: "en" | "bn" = "en") {
  return createTRPCClient<DocumentGeneratorRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        transformer: superjson,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "accept-language": locale },
      }),
    ],
  });
}

function masterDataClient(url: string, token: string) {
  return createTRPCClient<MasterDataRouter>({
    links: [
      httpLink({ url: `${url}/trpc`, transformer: superjson, headers: { authorization: `Bearer ${token}` } }),
    ],
  });
}

function fileClient(url: string, token: string) {
  return createTRPCClient<FileStorageRouter>({
    links: [
      httpLink({ url: `${url}/trpc`, transformer: superjson, headers: { authorization: `Bearer ${token}` } }),
    ],
  });
}

function rulesClient(url: string, token: string) {
  return createTRPCClient<RulesRouter>({
    links: [
      httpLink({ url: `${url}/trpc`, transformer: superjson, headers: { authorization: `Bearer ${token}` } }),
    ],
  });
}

/** The tRPC error of a failed call: its code, our stable app code, the field and the message. */
export async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as {
        code?: string;
        appCode?: string;
        httpStatus?: number;
        issues?: { path: string }[];
      };
      return {
        code: data?.code,
        appCode: data?.appCode,
        status: data?.httpStatus,
        issues: data?.issues ?? [],
        message: error.message,
      };
    }
    throw error;
  }
  throw new Error("expected the call to fail");
}

/**
 * A real document generator for one test file, with the peers it calls as they run in production:
 * rules-engine (the tax.vat pack) and file-storage (on the test run's S3 server), each booted from
 * its own env over HTTP, sharing one fresh database on the real PostgreSQL. The clock is fixed at
 * ISSUED_AT so pages can be compared with reference images.
 */
export async function startDocuments(label: string, env: Record<string, string> = {}) {
  const testDb = await createTestDatabase(`docs_${label}`);
  const signer = await createTestSigner();
  const logLines: string[] = [];
  const log = createLogger({ level: "debug", write: (line) => logLines.push(line) });
  const quiet = createLogger({ level: "error", write: () => {} });
  const common = { DATABASE_URL: testDb.url, JWT_PUBLIC_KEY: signer.publicKey };
  const docsPort = freePort();
  const rules = await bootRulesEngine({ ...RulesEngineEnv.parse(common), PORT: 0 }, { log: quiet });
  const masterData = await bootMasterData({ ...MasterDataEnv.parse(common), PORT: 0 }, { log: quiet });
  const s3 = s3Settings();
  const files = await bootFileStorage(
    {
      ...FileStorageEnv.parse({
        ...common,
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        S3_BUCKET: `docs-${label.toLowerCase().replace(/[^a-z0-9]/g, "")}-${Bun.randomUUIDv7().slice(-8)}`,
        DOCUMENTS_URL: `http://127.0.0.1:${docsPort}`,
      }),
      PORT: 0,
    },
    { log: quiet },
  );
  let now = ISSUED_AT;
  const docs = await bootDocumentGenerator(
    {
      ...DocumentGeneratorEnv.parse({
        ...common,
        RULES_URL: rules.url,
        FILES_URL: files.url,
        MASTER_DATA_URL: masterData.url,
        LOG_LEVEL: "debug",
        RENDER_WORKERS: "1",
        // Tests share two cores with other suites: a slow upload must not become UNAVAILABLE.
        UPSTREAM_TIMEOUT_MS: "30000",
        ...env,
      }),
      PORT: docsPort,
    },
    { log },
    { now: () => now },
  );
  const sql = postgres(testDb.url, { max: 2, onnotice: () => {} });
  return {
    url: docs.url,
    sql,
    signer,
    logLines,
    setNow(at: Date) {
      now = at;
    },
    client: (token?: string, locale: "en" | "bn" = "en") => documentsClient(docs.url, token, locale),
    /** A tenant with the tax.vat pack installed, and an accountant's token for it. */
    async newTenant(permissions: readonly string[] = ACCOUNTANT) {
      const tenantId = Bun.randomUUIDv7();
      const admin = await signer.sign({ tenantId, permissions: ["rules:*"] });
      await rulesClient(rules.url, admin).packs.install.mutate({ packs: ["tax.vat"] });
      const userId = Bun.randomUUIDv7();
      const token = await signer.sign({ tenantId, userId, permissions });
      return { tenantId, userId, token, api: documentsClient(docs.url, token) };
    },
    /** A numbering series of a new company in master-data: `{ companyId, key }`. */
    async newSeries(tenantId: string, pattern: string, key = "INV") {
      const admin = await signer.sign({ tenantId, permissions: ["master-data:*"] });
      const companyId = Bun.randomUUIDv7();
      await masterDataClient(masterData.url, admin).series.create.mutate({
        companyId,
        key,
        name: "Tax invoices",
        pattern,
        reset: "never",
      });
      return { companyId, key };
    },
    /** Uploads a file to file-storage as the token's user (as a browser would); its id. */
    async upload(token: string, fileName: string, contentType: string, bytes: Uint8Array) {
      const sha256 = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
      const created = await fileClient(files.url, token).createUpload.mutate({
        fileName,
        contentType,
        size: bytes.byteLength,
        sha256,
      });
      const res = await fetch(`${files.url}/files/${created.file.id}/content`, {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": contentType },
        body: bytes as Uint8Array<ArrayBuffer>,
      });
      if (!res.ok) {
        throw new Error(`upload refused: ${res.status} ${await res.text()}`);
      }
      return created.file.id;
    },
    token: (tenantId: string, permissions: readonly string[]) =>
      signer.sign({ tenantId, userId: Bun.randomUUIDv7(), permissions }),
    async stop() {
      await sql.end({ timeout: 5 });
      await stopAll(docs.parts);
      await stopAll(files.parts);
      await stopAll(masterData.parts);
      await stopAll(rules.parts);
      await testDb.drop();
    },
  };
}

export type DocumentsHarness = Awaited<ReturnType<typeof startDocuments>>;
