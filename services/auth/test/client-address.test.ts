import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { createLogger, readEnv } from "@vextrus/platform";
import { createTestDatabase, type TestDatabase } from "@vextrus/platform/testing";
import superjson from "superjson";
import { type Booted, bootAuth } from "../src/boot.ts";
import { AuthEnv } from "../src/env.ts";
import type { AuthRouter } from "../src/router.ts";

/**
 * Auth served exactly as it boots (platform `listen`, settings from the environment), called
 * directly: X-Forwarded-For is believed only from TRUSTED_PROXIES, so rotating it does not give a
 * caller a fresh per-address login budget.
 */
let testDb: TestDatabase;
const booted: Booted[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase("auth_client_address");
}, 60_000);

afterAll(async () => {
  for (const service of booted) {
    for (const part of service.parts) {
      await Promise.race([part.stop(), Bun.sleep(1_000)]);
    }
  }
  await testDb.drop();
}, 30_000);

async function start(extra: Record<string, string>) {
  const env = readEnv(AuthEnv, {
    DATABASE_URL: testDb.url,
    LOGIN_IP_MAX_FAILURES: "5",
    HOST: "127.0.0.1",
    ...extra,
  });
  const service = await bootAuth(
    { ...env, PORT: 0 },
    { log: createLogger({ level: "error", write: () => {} }) },
  );
  booted.push(service);
  return service.url;
}

/** A failed sign-in from a different forged X-Forwarded-For each time; its error's appCode. */
async function forgedLogin(url: string, i: number): Promise<string> {
  const client = createTRPCClient<AuthRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        transformer: superjson,
        headers: { "x-forwarded-for": `198.51.100.${i + 1}` },
      }),
    ],
  });
  try {
    await client.login.mutate({
      tenantSlug: "no-such-company",
      identifier: `spray-${i}@example.com`,
      password: "Spring2025!!x",
    });
    return "signed in";
  } catch (error) {
    return error instanceof TRPCClientError ? String(error.data?.appCode) : String(error);
  }
}

test("straight to auth, a rotating forged X-Forwarded-For still pays the per-address login limit", async () => {
  const url = await start({});
  const answers: string[] = [];
  for (let i = 0; i < 7; i++) {
    answers.push(await forgedLogin(url, i));
  }
  expect(answers.slice(0, 5)).toEqual(Array(5).fill("auth.login.invalid"));
  expect(answers.slice(5)).toEqual(["auth.login.ip_limited", "auth.login.ip_limited"]);
}, 60_000);

test("behind a trusted proxy (the gateway on loopback), each forwarded address has its own budget", async () => {
  const url = await start({ TRUSTED_PROXIES: "127.0.0.1" });
  const answers: string[] = [];
  for (let i = 100; i < 107; i++) {
    answers.push(await forgedLogin(url, i));
  }
  expect(answers).toEqual(Array(7).fill("auth.login.invalid"));
}, 60_000);
