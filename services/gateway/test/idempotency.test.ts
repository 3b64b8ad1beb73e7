/**
 * Idempotency-Key through the gateway, against the real organization service and the gateway's own
 * PostgreSQL store: a request whose answer never reached its caller (the connection closed unread)
 * is retried with the same key and gets the first answer; nothing is written twice.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Database } from "@vextrus/platform/db";
import { createTestDatabase, type TestDatabase } from "@vextrus/platform/testing";
import postgres from "postgres";
import { openGatewayDatabase } from "../src/db/index.ts";
import { idempotencyStore } from "../src/idempotency.ts";
import {
  createTestSigner,
  type RunningGateway,
  type RunningService,
  registerTenant,
  startGateway,
  startOrganization,
} from "./harness.ts";

let organization: RunningService;
let gatewayDb: TestDatabase;
let database: Database;
let gateway: RunningGateway;
let token: string;
let otherToken: string;

beforeAll(async () => {
  const signer = await createTestSigner();
  organization = await startOrganization("idem", { signer });
  gatewayDb = await createTestDatabase("gw_idempotency");
  database = (await openGatewayDatabase({ DATABASE_URL: gatewayDb.url })) as Database;
  gateway = startGateway({ organization: organization.url }, { idempotency: idempotencyStore(database) });
  ({ token } = await registerTenant(gateway, signer, "idem"));
  ({ token: otherToken } = await registerTenant(gateway, signer, "other"));
}, 60_000);
afterAll(async () => {
  await gateway.stop();
  await database.close();
  await gatewayDb.drop();
  await organization.stop();
});

const headers = (key: string | undefined, bearer = token) => ({
  "content-type": "application/json",
  authorization: `Bearer ${bearer}`,
  ...(key ? { "idempotency-key": key } : {}),
});

const create = (name: string, key?: string, bearer = token) =>
  fetch(`${gateway.url}/api/organization/companies.create`, {
    method: "POST",
    headers: headers(key, bearer),
    body: JSON.stringify({ name }),
  });

/** How many companies of the caller's tenant carry `name`. */
async function companiesNamed(name: string, bearer = token): Promise<number> {
  const response = await fetch(
    `${gateway.url}/api/organization/companies.list?search=${encodeURIComponent(name)}&limit=100`,
    { headers: headers(undefined, bearer) },
  );
  const page = (await response.json()) as { items: { name: string }[] };
  return page.items.filter((company) => company.name === name).length;
}

async function storedKeys(key: string): Promise<{ status: number | null }[]> {
  const sql = postgres(gatewayDb.url, { max: 1, onnotice: () => {} });
  try {
    return await sql<
      { status: number | null }[]
    >`select status from gateway.idempotency_keys where key = ${key}`;
  } finally {
    await sql.end();
  }
}

describe("Idempotency-Key", () => {
  test("a dropped answer: the retry with the same key gets the first answer, and one company exists", async () => {
    const name = `Dropped ${Bun.randomUUIDv7().slice(-8)}`;
    const key = Bun.randomUUIDv7();
    const body = JSON.stringify({ name });
    const url = new URL(gateway.url);
    // A raw connection that sends the request and hangs up without reading the answer.
    const socket = await Bun.connect({
      hostname: url.hostname,
      port: Number(url.port),
      socket: { data() {} },
    });
    socket.write(
      [
        "POST /api/organization/companies.create HTTP/1.1",
        `Host: ${url.host}`,
        "Content-Type: application/json",
        `Authorization: Bearer ${token}`,
        `Idempotency-Key: ${key}`,
        `Content-Length: ${Buffer.byteLength(body)}`,
        "",
        body,
      ].join("\r\n"),
    );
    socket.flush();
    // The gateway has taken the key; the caller goes away before reading anything.
    for (let i = 0; i < 100 && (await storedKeys(key)).length === 0; i++) {
      await Bun.sleep(20);
    }
    socket.end();
    expect((await storedKeys(key)).length).toBe(1);

    let retry = await create(name, key);
    for (let i = 0; i < 100 && retry.status === 409; i++) {
      await Bun.sleep(50); // the first request is still running
      retry = await create(name, key);
    }
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    const company = (await retry.json()) as { id: string; name: string };
    expect(company.name).toBe(name);
    expect(await companiesNamed(name)).toBe(1);
    // And again: the same answer, still one company.
    const again = await create(name, key);
    expect(((await again.json()) as { id: string }).id).toBe(company.id);
    expect(await companiesNamed(name)).toBe(1);
  });

  test("without the header every request runs; with a new key too", async () => {
    const name = `Twice ${Bun.randomUUIDv7().slice(-8)}`;
    expect((await create(name)).status).toBe(200);
    expect((await create(name)).status).toBe(200);
    expect((await create(name, Bun.randomUUIDv7())).status).toBe(200);
    expect(await companiesNamed(name)).toBe(3);
  });

  test("concurrent requests with one key write once", async () => {
    const name = `Race ${Bun.randomUUIDv7().slice(-8)}`;
    const key = Bun.randomUUIDv7();
    const answers = await Promise.all([create(name, key), create(name, key), create(name, key)]);
    for (const answer of answers) {
      expect([200, 409]).toContain(answer.status);
      if (answer.status === 409) {
        const { error } = (await answer.json()) as { error: { appCode: string } };
        expect(error.appCode).toBe("idempotency.in_progress");
      }
    }
    expect(answers.some((a) => a.status === 200)).toBe(true);
    expect(await companiesNamed(name)).toBe(1);
  });

  test("the same key with another body is refused; another caller's key is its own", async () => {
    const key = Bun.randomUUIDv7();
    const name = `Reused ${Bun.randomUUIDv7().slice(-8)}`;
    expect((await create(name, key)).status).toBe(200);
    const reused = await create(`${name} changed`, key);
    expect(reused.status).toBe(400);
    expect(((await reused.json()) as { error: { appCode: string } }).error.appCode).toBe(
      "idempotency.key.reused",
    );
    // Another tenant's caller with the same key runs its own request.
    const other = await create(name, key, otherToken);
    expect(other.status).toBe(200);
    expect(other.headers.get("idempotent-replayed")).toBeNull();
    expect(await companiesNamed(name, otherToken)).toBe(1);
    expect(await companiesNamed(name)).toBe(1);
  });

  test("on /trpc too: a retried tRPC mutation replays its first answer", async () => {
    const name = `Trpc ${Bun.randomUUIDv7().slice(-8)}`;
    const key = Bun.randomUUIDv7();
    const call = () =>
      fetch(`${gateway.url}/trpc/organization.companies.create`, {
        method: "POST",
        headers: headers(key),
        body: JSON.stringify({ json: { name } }),
      });
    const first = await call();
    const second = await call();
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await second.text()).toBe(await first.text());
    expect(await companiesNamed(name)).toBe(1);
  });

  test("a malformed key is a 400 naming the header", async () => {
    const answer = await create("Bad key Ltd", "has spaces in it");
    expect(answer.status).toBe(400);
    const { error } = (await answer.json()) as { error: { appCode: string; message: string } };
    expect(error.appCode).toBe("idempotency.key.invalid");
    expect(error.message).toContain("Idempotency-Key");
  });
});
