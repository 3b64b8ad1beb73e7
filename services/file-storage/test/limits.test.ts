/**
 * A tenant's own quota and largest file come from the configuration service (`files.tenantQuotaBytes`,
 * `files.maxFileBytes`, set by platform operators): a real configuration service, its change events
 * on an in-process bus reaching file-storage's cached reader; tenants without a value keep the
 * service's defaults. Concurrent uploads near the quota never take more than it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTRPCClient, httpLink } from "@trpc/client";
import { type ConfigReader, createConfigReader } from "@vextrus/config/reader";
import { bootConfiguration } from "@vextrus/configuration/boot";
import { ConfigurationEnv } from "@vextrus/configuration/env";
import type { ConfigurationRouter } from "@vextrus/configuration/router";
import { createInProcessBus, type InProcessBus } from "@vextrus/events";
import { createLogger, type Stoppable } from "@vextrus/platform";
import { createTestDatabase, createTestSigner, type TestDatabase } from "@vextrus/platform/testing";
import superjson from "superjson";
import {
  type FilesApi,
  type FilesHarness,
  failure,
  pdf,
  putBytes,
  sha256,
  startFiles,
  WITH_COMPANIES,
} from "./harness.ts";

const log = createLogger({ level: "error", write: () => {} });
const DEFAULT_MAX = 1_000_000;
const DEFAULT_QUOTA = 10_000_000;
let signer: Awaited<ReturnType<typeof createTestSigner>>;
let bus: InProcessBus;
let configDb: TestDatabase;
let configParts: Stoppable[] = [];
let configUrl: string;
let reader: ConfigReader;
let h: FilesHarness;

beforeAll(async () => {
  signer = await createTestSigner();
  bus = createInProcessBus({ log });
  configDb = await createTestDatabase("files_limits_config");
  const env = ConfigurationEnv.parse({ DATABASE_URL: configDb.url, JWT_PUBLIC_KEY: signer.publicKey });
  const config = await bootConfiguration({ ...env, PORT: 0 }, { log, bus });
  configParts = config.parts;
  configUrl = config.url;
  reader = createConfigReader({
    url: configUrl,
    service: "file-storage",
    log,
    transport: bus,
    timeoutMs: 2_000,
  });
  await reader.start();
  bus.start();
  h = await startFiles(
    "limits",
    { maxFileBytes: DEFAULT_MAX, tenantQuotaBytes: DEFAULT_QUOTA },
    { signer, config: reader },
  );
}, 60_000);

afterAll(async () => {
  await h.stop();
  await reader.stop();
  for (const part of configParts) {
    await Promise.race([part.stop(), Bun.sleep(1_000)]);
  }
  await configDb.drop();
  await Promise.race([bus.close(), Bun.sleep(1_000)]);
});

/** A platform operator acting on `tenantId`'s settings. */
async function operator(tenantId: string) {
  const token = await signer.sign({ tenantId, permissions: ["configuration:*", "platform:config:write"] });
  const api = createTRPCClient<ConfigurationRouter>({
    links: [
      httpLink({
        url: `${configUrl}/trpc`,
        transformer: superjson,
        headers: { authorization: `Bearer ${token}` },
      }),
    ],
  });
  let version = 0;
  return async (key: "files.maxFileBytes" | "files.tenantQuotaBytes", value: number) => {
    await api.set.mutate({ key, scope: { level: "tenant" }, value, expectedVersion: version });
    version++;
  };
}

/** A grant for `size` bytes of new (unique) content. */
const ask = (api: FilesApi, size: number) =>
  api.createUpload.mutate({
    fileName: "bill-of-quantities.pdf",
    contentType: "application/pdf",
    size,
    sha256: sha256(new TextEncoder().encode(Bun.randomUUIDv7())),
  });

/** Waits until `check` holds (a change event travels bus → reader cache), failing after 10 s. */
async function eventually(check: () => Promise<boolean>) {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error("the condition did not hold within 10 s");
    }
    await Bun.sleep(50);
  }
}

const refused = (p: Promise<unknown>) =>
  p.then(
    () => false,
    () => true,
  );

describe("per-tenant limits from configuration", () => {
  test("a tenant's own largest file is enforced (400 on size, English and Bengali); others keep the default; a change applies", async () => {
    const a = await h.newTenant("lim-a");
    const b = await h.newTenant("lim-b");
    const userA = await a.user(WITH_COMPANIES);
    const userB = await b.user(WITH_COMPANIES);
    // Nothing set: the service's default for both.
    await ask(userA.api, 200_000);
    expect(await failure(ask(userA.api, DEFAULT_MAX + 1))).toMatchObject({
      code: "BAD_REQUEST",
      appCode: "files.file.too_large",
      paths: ["size"],
    });

    const setA = await operator(a.tenantId);
    await setA("files.maxFileBytes", 100_000);
    await eventually(() => refused(ask(userA.api, 200_000)));
    expect(await failure(ask(userA.api, 100_001))).toMatchObject({
      code: "BAD_REQUEST",
      appCode: "files.file.too_large",
      paths: ["size"],
    });
    await ask(userA.api, 100_000);
    // The answer names the tenant's own limit, in the caller's language.
    for (const [language, text] of [
      ["en", /larger than the 100000 bytes allowed/],
      ["bn", /অনুমোদিত 100000 বাইটের চেয়ে বড়/],
    ] as const) {
      const res = await h.app.fetch(
        new Request("http://file-storage.test/trpc/createUpload", {
          method: "POST",
          headers: {
            authorization: `Bearer ${userA.token}`,
            "content-type": "application/json",
            "accept-language": language,
          },
          body: JSON.stringify(
            superjson.serialize({
              fileName: "scan.pdf",
              contentType: "application/pdf",
              size: 150_000,
              sha256: sha256(pdf()),
            }),
          ),
        }),
      );
      const body = (await res.json()) as {
        error: { json: { data: { issues: { path: string; message: string }[] } } };
      };
      expect(res.status).toBe(400);
      expect(body.error.json.data.issues).toEqual([
        expect.objectContaining({ path: "size", message: expect.stringMatching(text) }),
      ]);
    }
    // Another tenant keeps the default.
    await ask(userB.api, 200_000);
    await ask(userB.api, DEFAULT_MAX);

    // A change is honoured (the configuration service's event refreshes the cached answer).
    await setA("files.maxFileBytes", 500_000);
    await eventually(async () => !(await refused(ask(userA.api, 200_000))));
    expect(await failure(ask(userA.api, 500_001))).toMatchObject({ code: "BAD_REQUEST", paths: ["size"] });
  });

  test("many concurrent uploads against a quota spread over slots take exactly what fits", async () => {
    const c = await h.newTenant("quota-c");
    const userC = await c.user(WITH_COMPANIES);
    const setC = await operator(c.tenantId);
    const size = 918;
    await setC("files.tenantQuotaBytes", 40 * size + 500);
    const call = { tenantId: c.tenantId, requestId: "test", authorization: `Bearer ${userC.token}` };
    await eventually(async () => (await reader.get("files.tenantQuotaBytes", call)) === 40 * size + 500);
    // Each slot holds room for two or three of them: the later ones need the whole tenant recounted.
    const outcomes = await Promise.allSettled(Array.from({ length: 60 }, () => ask(userC.api, size)));
    expect(outcomes.filter((o) => o.status === "fulfilled").length).toBe(40);
    for (const o of outcomes) {
      if (o.status === "rejected") {
        expect((o.reason as { data?: { appCode?: string } }).data?.appCode).toBe("files.quota.exceeded");
      }
    }
    const [slots] = await h.sql<{ reserved: string; free: string; n: number }[]>`
      select sum(reserved_bytes)::text as reserved, sum(free_bytes)::text as free, count(*)::int as n
      from file_storage.usage where tenant_id = ${c.tenantId}`;
    expect(Number(slots?.reserved)).toBe(40 * size);
    expect(Number(slots?.free)).toBe(500);
    expect(slots?.n).toBe(16);
  });

  test("a tenant's own quota holds under concurrent uploads near it; others keep the default", async () => {
    const a = await h.newTenant("quota-a");
    const b = await h.newTenant("quota-b");
    const userA = await a.user(WITH_COMPANIES);
    const userB = await b.user(WITH_COMPANIES);
    const setA = await operator(a.tenantId);
    const file = pdf("x".repeat(900));
    await setA("files.tenantQuotaBytes", 5 * file.length);
    // Wait for the value to reach file-storage's reader (a probing upload would reserve quota).
    const call = { tenantId: a.tenantId, requestId: "test", authorization: `Bearer ${userA.token}` };
    await eventually(async () => (await reader.get("files.tenantQuotaBytes", call)) === 5 * file.length);

    // Twelve concurrent uploads of distinct files: exactly five fit.
    const attempts = await Promise.allSettled(
      Array.from({ length: 12 }, async (_, i) => {
        const bytes = pdf(`${i}-${"x".repeat(900)}`.slice(0, 900));
        expect(bytes.length).toBe(file.length);
        const granted = await userA.api.createUpload.mutate({
          fileName: `site-${i}.pdf`,
          contentType: "application/pdf",
          size: bytes.length,
          sha256: sha256(bytes),
        });
        expect(await putBytes(granted.upload, bytes)).toEqual([200]);
        return userA.api.completeUpload.mutate({ fileId: granted.file.id });
      }),
    );
    const done = attempts.filter((r) => r.status === "fulfilled");
    expect(done.length).toBe(5);
    for (const r of attempts) {
      if (r.status === "rejected") {
        expect((r.reason as { data?: { appCode?: string } }).data?.appCode).toBe("files.quota.exceeded");
      }
    }
    const [usage] = await h.sql<{ stored: string; reserved: string }[]>`
      select coalesce(sum(size) filter (where status = 'available'), 0)::text as stored,
             coalesce(sum(reserved_bytes) filter (where status = 'pending'), 0)::text as reserved
      from file_storage.files where tenant_id = ${a.tenantId}`;
    expect(Number(usage?.stored)).toBe(5 * file.length);
    expect(Number(usage?.reserved)).toBe(0);
    expect(await failure(ask(userA.api, 1))).toMatchObject({ appCode: "files.quota.exceeded" });

    // Raised: room again. Another tenant never had the small quota.
    await setA("files.tenantQuotaBytes", 6 * file.length);
    await eventually(async () => !(await refused(ask(userA.api, file.length))));
    await Promise.all(Array.from({ length: 12 }, () => ask(userB.api, file.length)));
  });
});
