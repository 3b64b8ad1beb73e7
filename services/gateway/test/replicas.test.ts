/**
 * Several replicas of a service behind one gateway: requests alternate between them, a replica that
 * stops is skipped (a request refused by it goes to the other, a mutation included, since it never
 * left), a replica whose /health/ready fails is skipped until it is ready again, and the gateway stays
 * ready while one replica of each service is. Two real organization replicas on one real PostgreSQL
 * database; the second reaches PostgreSQL through a TCP proxy the test can cut.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { bootOrganization } from "@vextrus/organization/boot";
import { OrganizationEnv } from "@vextrus/organization/env";
import { createLogger, listen, type Stoppable } from "@vextrus/platform";
import {
  createTestDatabase,
  createTestSigner,
  startTcpProxy,
  type TestDatabase,
  type TestSigner,
} from "@vextrus/platform/testing";
import { createGateway } from "../src/app.ts";
import { ServiceUrls } from "../src/env.ts";
import { stopParts } from "./harness.ts";

interface Replica {
  url: string;
  lines: string[];
  parts: Stoppable[];
}

let db: TestDatabase;
let signer: TestSigner;
let pgProxy: ReturnType<typeof startTcpProxy>;
let a: Replica;
let b: Replica;

async function bootReplica(databaseUrl: string): Promise<Replica> {
  const lines: string[] = [];
  const env: OrganizationEnv = {
    ...OrganizationEnv.parse({
      DATABASE_URL: databaseUrl,
      JWT_PUBLIC_KEY: signer.publicKey,
      LOG_LEVEL: "info",
    }),
    PORT: 0,
    HOST: "127.0.0.1",
  };
  const booted = await bootOrganization(env, {
    log: createLogger({ level: "info", write: (line) => lines.push(line) }),
  });
  return { url: booted.url, lines, parts: booted.parts };
}

const stopReplica = (replica: Replica) => stopParts(replica.parts);

beforeAll(async () => {
  signer = await createTestSigner();
  db = await createTestDatabase("gw_replicas");
  const pg = new URL(db.url);
  pgProxy = startTcpProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
  const proxied = new URL(db.url);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(pgProxy.port);
  a = await bootReplica(db.url);
  b = await bootReplica(proxied.toString());
}, 60_000);

afterAll(async () => {
  await stopReplica(a);
  pgProxy.setMode("pass");
  await stopReplica(b);
  pgProxy.stop();
  await db.drop();
}, 30_000);

function startGateway(services: Record<string, string | string[]>, lines: string[] = []) {
  const app = createGateway({
    services,
    log: createLogger({ level: "info", write: (line) => lines.push(line) }),
    replicaProbeMs: 100,
  });
  const server = listen(app, 0, "gateway");
  return {
    url: server.url,
    stop: async () => {
      app.stop();
      await server.stop();
    },
  };
}

/** Which replica answered a request: the one whose log line carries its request id. */
const servedBy = (requestId: string) =>
  [a, b].filter((replica) => replica.lines.some((line) => line.includes(requestId))).map((r) => r.url);

async function call(gatewayUrl: string, path: string, token: string, body?: unknown) {
  const requestId = `replica-test-${Bun.randomUUIDv7()}`;
  const res = await fetch(
    `${gatewayUrl}/trpc/${path}${body === undefined ? `?input=${encodeURIComponent(JSON.stringify({ json: {} }))}` : ""}`,
    {
      method: body === undefined ? "GET" : "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "x-request-id": requestId,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify({ json: body }),
    },
  );
  await res.text();
  return { status: res.status, requestId };
}

const waitFor = async (condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error("condition not met in time");
    }
    await Bun.sleep(50);
  }
};

describe("SERVICE_URLS", () => {
  test("a name given twice is one service with two replicas; once, a plain URL as before", () => {
    expect(
      ServiceUrls.parse("organization=http://a:3002,auth=http://x:3001,organization=http://b:3002"),
    ).toEqual({ organization: ["http://a:3002", "http://b:3002"], auth: "http://x:3001" });
  });
});

const operatorToken = () =>
  signer.sign({
    tenantId: Bun.randomUUIDv7(),
    permissions: ["platform:tenant:create", "platform:tenant:read"],
  });
const newTenant = (gatewayUrl: string, token: string) =>
  call(gatewayUrl, "organization.tenants.create", token, {
    slug: `rp-${Bun.randomUUIDv7().slice(-8)}`,
    legalName: "Replica Builders Ltd",
  });

describe("two organization replicas", () => {
  test("requests alternate between them; both answer from the one database", async () => {
    const gateway = startGateway({ organization: [a.url, b.url] });
    try {
      const operator = await operatorToken();
      expect((await newTenant(gateway.url, operator)).status).toBe(200);
      const served: string[] = [];
      for (let i = 0; i < 6; i++) {
        const answer = await call(gateway.url, "organization.tenants.list", operator);
        expect(answer.status).toBe(200);
        served.push(...servedBy(answer.requestId));
      }
      expect(served).toHaveLength(6);
      expect(served.filter((url) => url === a.url)).toHaveLength(3);
      expect(served.filter((url) => url === b.url)).toHaveLength(3);
    } finally {
      await gateway.stop();
    }
  });

  test("a replica whose /health/ready fails is skipped, and used again once it is ready", async () => {
    const gatewayLines: string[] = [];
    const gateway = startGateway({ organization: [a.url, b.url] }, gatewayLines);
    const ready = async (url: string) => (await fetch(`${url}/health/ready`)).status;
    try {
      const operator = await operatorToken();
      pgProxy.setMode("down"); // b loses its database: its /health/ready answers 503
      await waitFor(async () => (await ready(b.url)) === 503);
      // Until a probe of the gateway's (every 100 ms; slower on a loaded machine) has seen it.
      await waitFor(() =>
        gatewayLines.some((line) => line.includes("replica skipped") && line.includes(b.url)),
      );
      for (let i = 0; i < 6; i++) {
        const query = await call(gateway.url, "organization.tenants.list", operator);
        const mutation = await newTenant(gateway.url, operator);
        expect([query.status, mutation.status]).toEqual([200, 200]);
        expect([...servedBy(query.requestId), ...servedBy(mutation.requestId)]).toEqual([a.url, a.url]);
      }
      const health = await fetch(`${gateway.url}/health/ready`);
      expect(health.status).toBe(200); // one ready replica is enough

      pgProxy.setMode("pass");
      await waitFor(async () => (await ready(b.url)) === 200);
      const servedAgain = new Set<string>();
      await waitFor(async () => {
        const answer = await call(gateway.url, "organization.tenants.list", operator);
        expect(answer.status).toBe(200);
        for (const url of servedBy(answer.requestId)) {
          servedAgain.add(url);
        }
        return servedAgain.has(b.url);
      });
    } finally {
      pgProxy.setMode("pass");
      await gateway.stop();
    }
  }, 30_000);

  test("a replica that stops: no request fails, mutations included (a refused connection never left)", async () => {
    const c = await bootReplica(db.url);
    const gateway = startGateway({ organization: [c.url, a.url] });
    try {
      const operator = await operatorToken();
      expect((await call(gateway.url, "organization.tenants.list", operator)).status).toBe(200);
      await stopReplica(c);
      const statuses: number[] = [];
      const served: string[] = [];
      for (let i = 0; i < 4; i++) {
        const mutation = await newTenant(gateway.url, operator);
        const query = await call(gateway.url, "organization.tenants.list", operator);
        statuses.push(mutation.status, query.status);
        served.push(...servedBy(mutation.requestId), ...servedBy(query.requestId));
      }
      expect(statuses).toEqual(Array(8).fill(200));
      expect(served).toEqual(Array(8).fill(a.url));
      expect((await fetch(`${gateway.url}/health/ready`)).status).toBe(200);
    } finally {
      await gateway.stop();
    }
  }, 30_000);

  test("with every replica of a service down, the caller gets UNAVAILABLE naming it (503)", async () => {
    const d = await bootReplica(db.url);
    const e = await bootReplica(db.url);
    await stopReplica(d);
    await stopReplica(e);
    const gateway = startGateway({ organization: [d.url, e.url] });
    try {
      const operator = await operatorToken();
      const answer = await call(gateway.url, "organization.tenants.list", operator);
      expect(answer.status).toBe(503);
      expect((await fetch(`${gateway.url}/health/ready`)).status).toBe(503);
    } finally {
      await gateway.stop();
    }
  }, 30_000);
});
