/**
 * The gateway's own calls to the configuration service (its config reader, for per-tenant rate limits)
 * balance over the configuration replicas as forwarded requests do: round robin, and a replica that is
 * down is skipped. Two real configuration replicas on one real PostgreSQL database, one of them
 * stopped; the gateway booted from its settings (SERVICE_URLS naming both) as production boots it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { bootConfiguration } from "@vextrus/configuration/boot";
import { ConfigurationEnv } from "@vextrus/configuration/env";
import { createLogger, type Stoppable } from "@vextrus/platform";
import { createTestDatabase, type TestDatabase } from "@vextrus/platform/testing";
import { bootGateway } from "../src/boot.ts";
import { GatewayEnv } from "../src/env.ts";
import { createReplicaPool, replicaFetch } from "../src/replicas.ts";
import { createTestSigner, rawCall, stopParts, type TestSigner } from "./harness.ts";

interface Replica {
  url: string;
  lines: string[];
  parts: Stoppable[];
}

const quiet = createLogger({ level: "error", write: () => {} });
let signer: TestSigner;
let db: TestDatabase;
let live: Replica;
let stopped: Replica;

async function bootReplica(): Promise<Replica> {
  const lines: string[] = [];
  const env = ConfigurationEnv.parse({ DATABASE_URL: db.url, JWT_PUBLIC_KEY: signer.publicKey });
  const booted = await bootConfiguration(
    { ...env, PORT: 0, HOST: "127.0.0.1" },
    { log: createLogger({ level: "info", write: (line) => lines.push(line) }) },
  );
  return { url: booted.url, lines, parts: booted.parts };
}

const stopReplica = (replica: Replica) => stopParts(replica.parts);

beforeAll(async () => {
  signer = await createTestSigner();
  db = await createTestDatabase("gw_config_replicas");
  live = await bootReplica();
  stopped = await bootReplica();
}, 60_000);

afterAll(async () => {
  await stopReplica(live);
  await stopReplica(stopped);
  await db.drop();
}, 30_000);

describe("the gateway's configuration reader over several replicas", () => {
  test("replicaFetch alternates between ready replicas and skips one that refuses, without failing", async () => {
    const hits = { a: 0, b: 0 };
    const replica = (name: "a" | "b") =>
      Bun.serve({
        port: 0,
        hostname: "127.0.0.1",
        fetch: () => {
          hits[name] += 1;
          return new Response(name);
        },
      });
    const a = replica("a");
    const b = replica("b");
    const urls = [`http://127.0.0.1:${a.port}`, `http://127.0.0.1:${b.port}`];
    const pool = createReplicaPool({ config: urls }, { log: quiet, probeMs: 60_000 });
    try {
      const call = replicaFetch(pool, "config");
      for (let i = 0; i < 4; i++) {
        // Any replica's URL names the call: the base is swapped for the picked replica's.
        expect((await call(`${urls[0]}/trpc/resolve?input=${i}`)).status).toBe(200);
      }
      expect(hits).toEqual({ a: 2, b: 2 });
      a.stop(true);
      const answers: string[] = [];
      for (let i = 0; i < 4; i++) {
        answers.push(await (await call(`${urls[0]}/trpc/resolve?input=${i}`)).text());
        answers.push(await (await call(`${urls[1]}/trpc/set`, { method: "POST", body: "{}" })).text());
      }
      // A refused connection never left: the call (a POST too) went to the other replica.
      expect(answers).toEqual(Array(8).fill("b"));
    } finally {
      pool.stop();
      a.stop(true);
      b.stop(true);
    }
  });

  test("a tenant's configured rate is read from a ready replica while the first one named is down", async () => {
    const tenantId = Bun.randomUUIDv7();
    const operator = await signer.sign({
      tenantId,
      permissions: ["configuration:*", "platform:config:write"],
    });
    // The rate is set through the replica that stays up; the other (named first) then stops.
    const set = await rawCall(live.url, "set", {
      method: "POST",
      body: JSON.stringify({
        json: {
          key: "gateway.rateLimit.perSecond",
          scope: { level: "tenant" },
          value: 1,
          expectedVersion: 0,
        },
      }),
      headers: { authorization: `Bearer ${operator}` },
    });
    expect(set.status).toBe(200);
    await stopReplica(stopped);

    const gateway = await bootGateway(
      {
        ...GatewayEnv.parse({
          HOST: "127.0.0.1",
          LOG_LEVEL: "error",
          JWT_PUBLIC_KEY: signer.publicKey,
          CONSOLE_DIR: "",
          SERVICE_URLS: `config=${stopped.url},config=${live.url}`,
          RATE_LIMIT_TENANT_PER_SECOND: "1000",
          RATE_LIMIT_TENANT_BURST: "1000",
          RATE_LIMIT_IP_PER_SECOND: "1000",
          RATE_LIMIT_IP_BURST: "1000",
          REPLICA_PROBE_MS: "60000",
          // The configured rate's burst is two seconds' worth, at least a full batch: keep batches small.
          MAX_BATCH_SIZE: "2",
        }),
        PORT: 0,
      },
      { log: quiet },
    );
    try {
      const token = await signer.sign({ tenantId, permissions: ["configuration:*"] });
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await rawCall(gateway.url, "config.definitions.list", {
          search: `input=${encodeURIComponent(JSON.stringify({ json: {} }))}`,
          headers: { authorization: `Bearer ${token}` },
        });
        statuses.push(res.status);
      }
      // 1/s with a burst of 2: had the reader asked only the stopped replica, the default (1000/s) applied.
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(3);
      expect(statuses.filter((status) => status >= 500)).toEqual([]);
    } finally {
      await stopParts(gateway.parts);
    }
  }, 60_000);
});
