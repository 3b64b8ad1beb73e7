import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CloudEvent, createInProcessBus } from "@vextrus/events";
import {
  createLogger,
  createTokenVerifier,
  parseTrustedProxies,
  type TokenVerifier,
} from "@vextrus/platform";
import { startTcpProxy } from "@vextrus/platform/testing";
import { createGateway } from "../src/app.ts";
import { refusalReporter } from "../src/refusals.ts";
import {
  batchInput,
  createTestSigner,
  type RunningService,
  rawCall,
  registerTenant,
  startGateway,
  startOrganization,
  type TestSigner,
} from "./harness.ts";

let signer: TestSigner;
/** The gateway's own check of access tokens (what boot builds from JWKS_URL). */
let verifyToken: TokenVerifier;
let org: RunningService;
/** A second name for the same organization server, so batches can span two "services". */
let proxy: ReturnType<typeof startTcpProxy>;
let proxiedUrl: string;

beforeAll(async () => {
  signer = await createTestSigner();
  verifyToken = await createTokenVerifier({ publicKey: signer.publicKey, issuer: "vextrus-auth" });
  org = await startOrganization("behaviour", { signer });
  const port = Number(new URL(org.url).port);
  proxy = startTcpProxy({ host: "127.0.0.1", port });
  proxiedUrl = `http://127.0.0.1:${proxy.port}`;
});
afterAll(async () => {
  proxy.stop();
  await org.stop();
});

type ErrorJson = { error: { json: { message: string; code: number; data: Record<string, unknown> } } };
type ResultJson = { result: { data: { json: Record<string, unknown>; meta?: unknown } } };
const errorData = (body: unknown) => (body as ErrorJson).error.json.data;
const errorMessage = (body: unknown) => (body as ErrorJson).error.json.message;

async function seeded() {
  const gateway = startGateway({ organization: org.url, mirror: org.url });
  const tenant = await registerTenant(gateway, signer, "gw");
  const first = await tenant.api.organization.companies.create.mutate({ name: "Rupayan Housing" });
  const second = await tenant.api.organization.companies.create.mutate({ name: "Sheltech" });
  return { gateway, tenant, first, second, auth: { authorization: `Bearer ${tenant.token}` } };
}

describe("routing", () => {
  test("organization.companies.get reaches the service's companies.get; Dates arrive as Dates", async () => {
    const { gateway, tenant, first } = await seeded();
    const got = await tenant.api.organization.companies.get.query({ id: first.id });
    expect(got.name).toBe("Rupayan Housing");
    expect(got.createdAt).toBeInstanceOf(Date);
    await gateway.stop();
  });

  test("a batch spanning services is split, answered in the caller's order, item for item as the services answer", async () => {
    const { gateway, first, second, auth } = await seeded();
    const missing = Bun.randomUUIDv7();
    const paths = [
      "mirror.companies.get",
      "organization.companies.get",
      "nosuch.companies.get",
      "mirror.companies.get",
      "organization.companies.list",
    ];
    const inputs = [{ id: second.id }, { id: first.id }, { id: first.id }, { id: missing }, {}];
    const merged = await rawCall(gateway.url, paths.join(","), { search: batchInput(inputs), headers: auth });
    expect(merged.status).toBe(207);
    const items = merged.json as unknown[];
    expect(items).toHaveLength(5);
    // Each item is exactly what the service answers to that call alone.
    for (const i of [0, 1, 4]) {
      const alone = await rawCall(org.url, (paths[i] ?? "").replace(/^\w+\./, ""), {
        search: batchInput([inputs[i]]),
        headers: auth,
      });
      expect(items[i]).toEqual((alone.json as unknown[])[0]);
    }
    expect((items[0] as ResultJson).result.data.json.name).toBe("Sheltech");
    expect((items[1] as ResultJson).result.data.json.name).toBe("Rupayan Housing");
    expect(errorData(items[2])).toMatchObject({ code: "NOT_FOUND", appCode: "gateway.service.unknown" });
    expect(errorMessage(items[2])).toContain('"nosuch"');
    expect(errorData(items[3])).toMatchObject({
      code: "NOT_FOUND",
      appCode: "organization.company.not_found",
    });
    // Mutations (POST) are split the same way.
    const posted = await rawCall(gateway.url, "organization.designations.create,mirror.designations.create", {
      method: "POST",
      search: "batch=1",
      body: JSON.stringify({
        0: { json: { name: "Engineer", rank: 1, approvalLimit: "1000.00" } },
        1: { json: { name: "Director", rank: 9, approvalLimit: "5000000.00" } },
      }),
      headers: auth,
    });
    expect(posted.status).toBe(200);
    const names = (posted.json as ResultJson[]).map((item) => item.result.data.json.name);
    expect(names).toEqual(["Engineer", "Director"]);
    await gateway.stop();
  });

  test("the parts of a split batch are sent in parallel", async () => {
    proxy.setMode("hang");
    const gateway = startGateway({ one: proxiedUrl, two: proxiedUrl }, { upstreamTimeoutMs: 400 });
    const started = performance.now();
    const res = await rawCall(gateway.url, "one.companies.list,two.companies.list", {
      search: batchInput([{}, {}]),
    });
    const elapsed = performance.now() - started;
    proxy.setMode("pass");
    expect(res.status).toBe(503);
    expect((res.json as unknown[]).map((item) => errorData(item).service)).toEqual(["one", "two"]);
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(750);
    await gateway.stop();
  });

  test("a batch for one service goes to it as one request", async () => {
    const { gateway, first, auth } = await seeded();
    const requestId = `one-request-${Bun.randomUUIDv7()}`;
    const res = await rawCall(gateway.url, "organization.companies.get,organization.companies.list", {
      search: batchInput([{ id: first.id }, {}]),
      headers: { ...auth, "x-request-id": requestId },
    });
    expect(res.status).toBe(200);
    const lines = org.logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.requestId === requestId && line.msg === "request");
    expect(lines).toHaveLength(1);
    expect(lines[0]?.procedure).toBe("companies.get,companies.list");
    await gateway.stop();
  });

  test("a streamed batch (httpBatchStreamLink) for one service passes through; Dates arrive as Dates", async () => {
    const { gateway, tenant, first, second } = await seeded();
    const streaming = gateway.client({ token: tenant.token, batch: "stream" });
    const [a, b, list] = await Promise.all([
      streaming.organization.companies.get.query({ id: first.id }),
      streaming.organization.companies.get.query({ id: second.id }),
      streaming.organization.companies.list.query({}),
    ]);
    expect([a.name, b.name]).toEqual(["Rupayan Housing", "Sheltech"]);
    expect(list.items[0]?.createdAt).toBeInstanceOf(Date);
    await gateway.stop();
  });

  test("a streamed batch spanning services is re-streamed in order, each item's superjson meta kept", async () => {
    const { gateway, first, auth } = await seeded();
    const res = await fetch(
      `${gateway.url}/trpc/organization.companies.get,nosuch.x,mirror.companies.get?${batchInput([{ id: first.id }, {}, { id: first.id }])}`,
      { headers: { ...auth, "trpc-accept": "application/jsonl" } },
    );
    expect(res.status).toBe(200);
    const lines = (await res.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { json: unknown; meta?: { values?: Record<string, unknown> } });
    expect(lines[0]?.json).toEqual({
      0: [[0], [null, 0, 0]],
      1: [[0], [null, 0, 1]],
      2: [[0], [null, 0, 2]],
    });
    type Chunk = [number, number, [[unknown]]];
    const chunks = new Map(lines.slice(1).map((line) => [(line.json as Chunk)[0], line]));
    expect([...chunks.keys()].sort()).toEqual([0, 1, 2]);
    const itemAt = (i: number) => (chunks.get(i)?.json as Chunk | undefined)?.[2][0][0];
    for (const i of [0, 2]) {
      expect((chunks.get(i)?.json as Chunk | undefined)?.[1]).toBe(0);
      expect((itemAt(i) as { result: { data: { name: string } } }).result.data.name).toBe("Rupayan Housing");
      expect(chunks.get(i)?.meta?.values).toEqual({
        "2.0.0.result.data": { createdAt: ["Date"], updatedAt: ["Date"] },
      });
    }
    const unknown = itemAt(1) as { error: { data: { appCode: string } } };
    expect(unknown.error.data.appCode).toBe("gateway.service.unknown");
    await gateway.stop();
  });
});

describe("errors the gateway answers itself", () => {
  test("an unknown service is NOT_FOUND in tRPC's shape, in Bengali when asked, with the request id", async () => {
    const gateway = startGateway({ organization: org.url });
    const res = await rawCall(gateway.url, "inventory.items.list", {
      headers: { "accept-language": "bn-BD,bn;q=0.9", "x-request-id": "req-unknown-1" },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-request-id")).toBe("req-unknown-1");
    expect(errorData(res.json)).toEqual({
      code: "NOT_FOUND",
      httpStatus: 404,
      kind: "NOT_FOUND",
      appCode: "gateway.service.unknown",
      requestId: "req-unknown-1",
    });
    expect(errorMessage(res.json)).toBe('"inventory" নামে কোনো সার্ভিস নেই');
    // Through the typed client it is a TRPCClientError with data.code.
    const client = gateway.client();
    const error = await client.organization.companies.list.query({}).catch((e: unknown) => e);
    expect((error as { data?: { code?: string } }).data?.code).toBe("UNAUTHORIZED");
    await gateway.stop();
  });

  test("a path without a service, a bad escape or an oversized batch is a 4xx, never a 5xx", async () => {
    const gateway = startGateway({ organization: org.url }, { maxBatchSize: 3, maxBodyBytes: 2048 });
    const cases = [
      await rawCall(gateway.url, "companies"),
      await rawCall(gateway.url, "%E0%A4%A"),
      await rawCall(gateway.url, "organization.", {}),
      await rawCall(gateway.url, "organization.a,organization.b,organization.c,organization.d", {
        search: batchInput([{}, {}, {}, {}]),
      }),
      await rawCall(gateway.url, "organization.a,nosuch.b", { search: "batch=1&input=not-json" }),
      await rawCall(gateway.url, "organization.a,nosuch.b", { search: "batch=1&input=[1,2]" }),
      await rawCall(gateway.url, "organization.companies.create", { method: "POST", body: "x".repeat(4096) }),
    ];
    for (const res of cases) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.text).not.toMatch(/stack|at \/|\.ts:\d/);
    }
    expect(errorData(cases[3]?.json).appCode).toBe("gateway.batch.too_large");
    expect(errorData(cases[4]?.json).appCode).toBe("gateway.request.unreadable");
    expect(errorData(cases[6]?.json).appCode).toBe("gateway.request.too_large");
    await gateway.stop();
  });
});

describe("headers", () => {
  test("x-request-id reaches the service (its log line) and comes back; Accept-Language and Authorization are forwarded", async () => {
    const { gateway, tenant } = await seeded();
    const requestId = `gw-propagated-${Bun.randomUUIDv7()}`;
    const client = gateway.client({
      token: tenant.token,
      locale: "bn",
      headers: () => ({ "x-request-id": requestId }),
    });
    const error = (await client.organization.companies.get
      .query({ id: Bun.randomUUIDv7() })
      .catch((e: unknown) => e)) as { message: string; data: { requestId: string; code: string } };
    expect(error.data.code).toBe("NOT_FOUND");
    expect(error.data.requestId).toBe(requestId);
    expect(error.message).toBe("কোম্পানি পাওয়া যায়নি");
    const line = org.logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.requestId === requestId && l.msg === "request");
    expect(line).toMatchObject({ tenant: tenant.tenant.id, procedure: "companies.get", status: 404 });
    const gatewayLine = gateway.logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.requestId === requestId);
    expect(gatewayLine).toMatchObject({
      procedure: "organization.companies.get",
      services: ["organization"],
    });
    await gateway.stop();
  });
});

describe("a failure the gateway did not plan for", () => {
  test("is a 500 in tRPC's shape with the request id, never an error page or a stack", async () => {
    const broken = refusalReporter({ publisher: undefined, log: createLogger({ level: "error" }) });
    broken.record = () => {
      throw new Error("secret internals at /srv/gateway/src/refusals.ts:42");
    };
    const gateway = startGateway(
      { organization: org.url },
      {
        rateLimits: { tenant: { perSecond: 1000, burst: 1000 }, ip: { perSecond: 0.5, burst: 1 } },
        refusals: broken,
      },
    );
    expect((await rawCall(gateway.url, "organization.companies.list")).status).toBe(401);
    const failed = await rawCall(gateway.url, "organization.companies.list", {
      headers: { "x-request-id": "req-unplanned-1", "accept-language": "bn" },
    });
    expect(failed.status).toBe(500);
    expect(failed.headers.get("content-type")).toContain("application/json");
    expect(failed.headers.get("x-request-id")).toBe("req-unplanned-1");
    expect(errorData(failed.json)).toMatchObject({
      code: "INTERNAL_SERVER_ERROR",
      requestId: "req-unplanned-1",
    });
    expect(JSON.stringify(failed.json)).not.toContain("secret internals");
    expect(JSON.stringify(failed.json)).not.toContain("refusals.ts");
    const logged = gateway.logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toContainEqual(
      expect.objectContaining({
        msg: "unhandled",
        requestId: "req-unplanned-1",
        message: expect.stringContaining("secret"),
      }),
    );
    await broken.stoppable.stop();
    await gateway.stop();
  });
});

describe("a service that is down or slow", () => {
  test("a refused connection is UNAVAILABLE naming the service, at once; the gateway recovers with it", async () => {
    const gateway = startGateway({ organization: proxiedUrl });
    const { api } = await registerTenant(gateway, signer, "down");
    proxy.setMode("down");
    const started = performance.now();
    const error = (await api.organization.companies.list.query({}).catch((e: unknown) => e)) as {
      message: string;
      data: Record<string, unknown>;
    };
    const elapsed = performance.now() - started;
    expect(error.data).toMatchObject({
      code: "SERVICE_UNAVAILABLE",
      httpStatus: 503,
      kind: "UNAVAILABLE",
      appCode: "gateway.upstream.unavailable",
      service: "organization",
    });
    expect(error.message).toContain("organization");
    expect(elapsed).toBeLessThan(500);
    const ready = await fetch(`${gateway.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { down: string[] }).down).toEqual(["organization"]);
    proxy.setMode("pass");
    expect((await api.organization.companies.list.query({})).items).toEqual([]);
    expect((await fetch(`${gateway.url}/health/ready`)).status).toBe(200);
    await gateway.stop();
  });

  test("a service that does not answer is UNAVAILABLE (timeout) after UPSTREAM_TIMEOUT_MS, never a hang", async () => {
    const gateway = startGateway({ organization: proxiedUrl }, { upstreamTimeoutMs: 300 });
    proxy.setMode("hang");
    const started = performance.now();
    const res = await rawCall(gateway.url, "organization.companies.list", {
      headers: { "accept-language": "bn" },
    });
    const elapsed = performance.now() - started;
    proxy.setMode("pass");
    expect(res.status).toBe(503);
    expect(errorData(res.json)).toMatchObject({
      appCode: "gateway.upstream.timeout",
      service: "organization",
    });
    expect(errorMessage(res.json)).toContain("০.৩ সেকেন্ডের");
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(800);
    await gateway.stop();
  });
});

describe("rate limits", () => {
  test("per tenant in flight: past the cap a tenant's requests are refused at once; other tenants and later requests pass", async () => {
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let arrived = 0;
    const slow = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch() {
        arrived++;
        await gate;
        return Response.json({ result: { data: { json: [] } } });
      },
    });
    const gateway = startGateway(
      { organization: `http://127.0.0.1:${slow.port}` },
      {
        rateLimits: { tenant: { perSecond: 1000, burst: 1000 }, ip: { perSecond: 1000, burst: 1000 } },
        tenantInFlight: 2,
        verifyToken,
      },
    );
    try {
      const a = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: ["organization:*"] });
      const b = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: ["organization:*"] });
      const call = (token: string) =>
        rawCall(gateway.url, "organization.companies.list", {
          headers: { authorization: `Bearer ${token}` },
        });
      const held = [call(a), call(a)];
      while (arrived < 2) {
        await Bun.sleep(5);
      }
      // Two of tenant a's requests are in progress: a third is refused without waiting for them.
      const refused = await call(a);
      expect(refused.status).toBe(429);
      expect(errorData(refused.json)).toMatchObject({
        kind: "RATE_LIMITED",
        appCode: "gateway.rate_limited.tenant",
      });
      const other = call(b);
      while (arrived < 3) {
        await Bun.sleep(5);
      }
      open();
      expect((await Promise.all(held)).map((res) => res.status)).toEqual([200, 200]);
      expect((await other).status).toBe(200);
      // Once they finished, tenant a's share is free again.
      expect((await call(a)).status).toBe(200);
      expect(arrived).toBe(4);
    } finally {
      gateway.stop();
      slow.stop(true);
    }
  });

  test("per tenant: 429 with Retry-After once the tenant's bucket is empty; other tenants unaffected", async () => {
    const gateway = startGateway(
      { organization: org.url },
      {
        rateLimits: { tenant: { perSecond: 0.5, burst: 3 }, ip: { perSecond: 1000, burst: 1000 } },
        verifyToken,
      },
    );
    const a = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: ["organization:*"] });
    const b = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: ["organization:*"] });
    const call = (token: string, lang = "en") =>
      rawCall(gateway.url, "organization.companies.list", {
        headers: { authorization: `Bearer ${token}`, "accept-language": lang },
      });
    // A batch of two costs two tokens.
    const batch = await rawCall(gateway.url, "organization.companies.list,organization.companies.list", {
      search: batchInput([{}, {}]),
      headers: { authorization: `Bearer ${a}` },
    });
    expect(batch.status).not.toBe(429);
    expect((await call(a)).status).not.toBe(429);
    const refused = await call(a, "bn");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(errorData(refused.json)).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      kind: "RATE_LIMITED",
      appCode: "gateway.rate_limited.tenant",
    });
    expect(errorMessage(refused.json)).toMatch(/[\u0980-\u09FF]/);
    expect((await call(b)).status).not.toBe(429);
    // Through @vextrus/client, every call of a refused batch is a TRPCClientError with the code.
    const typed = gateway.client({ token: a });
    const refusedBatch = await Promise.allSettled([
      typed.organization.companies.list.query({}),
      typed.organization.designations.list.query({}),
    ]);
    for (const outcome of refusedBatch) {
      expect(outcome.status).toBe("rejected");
      const reason = (outcome as PromiseRejectedResult).reason as { data?: { code?: string } };
      expect(reason.data?.code).toBe("TOO_MANY_REQUESTS");
    }
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/vextrus_gateway_rate_limited_total\{[^}]*scope="tenant"[^}]*\} 2/);
    await gateway.stop();
  });

  test("a forged token naming a tenant cannot drain that tenant's budget, whatever the service answers", async () => {
    const gateway = startGateway(
      { organization: org.url },
      {
        rateLimits: { tenant: { perSecond: 0.5, burst: 3 }, ip: { perSecond: 1000, burst: 1000 } },
        verifyToken,
      },
    );
    const tenantId = Bun.randomUUIDv7();
    const real = await signer.sign({ tenantId, permissions: ["organization:*"] });
    const forger = await createTestSigner();
    const forged = await forger.sign({ tenantId, permissions: ["*"] });
    const call = (token: string, path: string) =>
      rawCall(gateway.url, path, { headers: { authorization: `Bearer ${token}` } });
    // Refused by the service (401), answered without looking at the token (404), or sent all at once:
    // none of it is charged to the tenant the forged token names.
    for (let i = 0; i < 3; i++) {
      expect((await call(forged, "organization.companies.list")).status).toBe(401);
      expect((await call(forged, "organization.noSuchProcedure")).status).toBe(404);
    }
    const burst = await Promise.all(
      Array.from({ length: 6 }, () => call(forged, "organization.companies.list")),
    );
    expect(burst.map((r) => r.status)).toEqual(Array(6).fill(401));
    for (let i = 0; i < 3; i++) {
      expect((await call(real, "organization.companies.list")).status).not.toBe(429);
    }
    expect((await call(real, "organization.companies.list")).status).toBe(429);
    await gateway.stop();
  });

  test("without a way to verify tokens, the gateway limits by address only", async () => {
    const gateway = startGateway(
      { organization: org.url },
      { rateLimits: { tenant: { perSecond: 0.5, burst: 1 }, ip: { perSecond: 1000, burst: 1000 } } },
    );
    const token = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: ["organization:*"] });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(
        (
          await rawCall(gateway.url, "organization.companies.list", {
            headers: { authorization: `Bearer ${token}` },
          })
        ).status,
      );
    }
    expect(statuses).not.toContain(429);
    await gateway.stop();
  });

  test("per address: 429 with Retry-After for callers without a token too; the refusals become one event", async () => {
    const bus = createInProcessBus({ log: createLogger({ level: "error" }) });
    const events: CloudEvent[] = [];
    await bus.subscribe({
      group: "probe",
      topics: ["vextrus.gateway.access"],
      onBatch: async (messages) => {
        events.push(...messages.map((m) => CloudEvent.parse(JSON.parse(m.value ?? "null"))));
      },
    });
    bus.start();
    const refusals = refusalReporter({
      publisher: bus.publisher("gateway"),
      log: createLogger({ level: "error" }),
    });
    const gateway = startGateway(
      { organization: org.url },
      {
        rateLimits: { tenant: { perSecond: 1000, burst: 1000 }, ip: { perSecond: 0.5, burst: 2 } },
        refusals,
      },
    );
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await rawCall(gateway.url, "organization.companies.list")).status);
    }
    expect(statuses).toEqual([401, 401, 429]);
    const refused = await rawCall(gateway.url, "organization.companies.list");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(errorData(refused.json).appCode).toBe("gateway.rate_limited.ip");
    await gateway.stop();
    await refusals.stoppable.stop();
    await bus.close();
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({ scope: "ip", route: "/trpc/organization", limit: 0.5, count: 2 });
    expect(String((events[0]?.data as { ip?: string } | undefined)?.ip)).toContain("127.0.0.1");
  });

  test("behind a trusted proxy the address comes from X-Forwarded-For", async () => {
    const gateway = startGateway(
      { organization: org.url },
      {
        trustedProxies: parseTrustedProxies(["127.0.0.1"]),
        rateLimits: { tenant: { perSecond: 1000, burst: 1000 }, ip: { perSecond: 0.5, burst: 1 } },
      },
    );
    const from = (address: string) =>
      rawCall(gateway.url, "organization.companies.list", { headers: { "x-forwarded-for": address } });
    expect((await from("203.0.113.7")).status).toBe(401);
    expect((await from("203.0.113.7")).status).toBe(429);
    expect((await from("198.51.100.2")).status).toBe(401);
    await gateway.stop();
  });
});

describe("CORS", () => {
  test("allowed origins get CORS headers (preflight included); others and unconfigured gateways get none", async () => {
    const gateway = startGateway({ organization: org.url }, { corsOrigins: ["https://app.vextrus.test"] });
    const preflight = await fetch(`${gateway.url}/trpc/organization.companies.create`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.vextrus.test",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.vextrus.test");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");
    const allowed = await fetch(`${gateway.url}/trpc/organization.companies.list`, {
      headers: { origin: "https://app.vextrus.test" },
    });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.vextrus.test");
    expect(allowed.headers.get("access-control-expose-headers")).toContain("x-request-id");
    const other = await fetch(`${gateway.url}/trpc/organization.companies.list`, {
      headers: { origin: "https://evil.example" },
    });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const health = await fetch(`${gateway.url}/health/live`, {
      headers: { origin: "https://app.vextrus.test" },
    });
    expect(health.headers.get("access-control-allow-origin")).toBe("https://app.vextrus.test");
    await gateway.stop();
    // One /trpc path: the app's own fetch (no Bun router in front) answers exactly as the server does.
    const app = createGateway({
      services: { organization: org.url },
      log: createLogger({ level: "error" }),
      corsOrigins: ["https://app.vextrus.test"],
    });
    const direct = await app.fetch(
      new Request("http://gateway.test/trpc/organization.companies.list", {
        headers: { origin: "https://app.vextrus.test" },
      }),
    );
    expect(direct.status).toBe(401);
    expect(direct.headers.get("access-control-allow-origin")).toBe("https://app.vextrus.test");
    expect(errorData(await direct.json()).appCode).toBe("auth.token.missing");
    const closed = startGateway({ organization: org.url });
    const none = await fetch(`${closed.url}/trpc/organization.companies.list`, {
      headers: { origin: "https://app.vextrus.test" },
    });
    expect(none.headers.get("access-control-allow-origin")).toBeNull();
    await closed.stop();
  });
});

describe("health and metrics", () => {
  test("/health/ready lists every service; /health summarises; /metrics has upstream latency per service", async () => {
    const gateway = startGateway({ organization: org.url, mirror: org.url });
    const ready = await fetch(`${gateway.url}/health/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { checks: Record<string, { ok: boolean; latencyMs: number }> };
    expect(Object.keys(body.checks).sort()).toEqual(["mirror", "organization"]);
    expect(body.checks.organization?.ok).toBe(true);
    const health = (await (await fetch(`${gateway.url}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ service: "gateway", version: "0.1.0", status: "ok" });
    expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
    await rawCall(gateway.url, "organization.companies.list");
    await rawCall(gateway.url, "nosuch.companies.list");
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(
      /vextrus_gateway_upstream_duration_seconds_bucket\{[^}]*service="organization",status="401"/,
    );
    expect(metrics).toContain("process_cpu_user_seconds_total");
    expect(metrics).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/trpc\/organization"/);
    expect(metrics).not.toContain("nosuch");
    await gateway.stop();
  });

  test("a service's /metrics is never reachable through the gateway, however the path is spelt", async () => {
    const gateway = startGateway({ organization: org.url });
    // A line only the service's own registry has (the gateway's upstream histogram names services too).
    const marker = 'process_cpu_user_seconds_total{service="organization"}';
    expect(await (await fetch(`${org.url}/metrics`)).text()).toContain(marker);
    for (const path of [
      "/organization/metrics",
      "/trpc/organization/metrics",
      "/trpc/organization.metrics",
      "/trpc/organization/../../metrics",
      "/trpc/organization.%2E%2E%2Fmetrics",
    ]) {
      // (fetch resolves `..` itself: that one reaches the gateway's own /metrics.)
      const response = await fetch(`${gateway.url}${path}`);
      expect(await response.text()).not.toContain(marker);
    }
    expect(await (await fetch(`${gateway.url}/metrics`)).text()).not.toContain(marker);
    await gateway.stop();
  });
});
