import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { createInProcessBus, type InProcessBus } from "@vextrus/events";
import { AppError, createLogger, notFound } from "@vextrus/platform";
import type { ChainAnswer, OrganizationCall, OrganizationClient } from "../src/upstream/organization.ts";
import { createOrganizationCache, type OrganizationCache } from "../src/upstream/organization-cache.ts";

const log = createLogger({ level: "error", write: () => {} });
const TENANT = "018f0000-0000-7000-8000-000000000001";
const OTHER = "018f0000-0000-7000-8000-000000000002";
const USER = "018f0000-0000-7000-8000-0000000000aa";
const DEPARTMENT = "018f0000-0000-7000-8000-0000000000dd";
const EMPLOYEE = ["organization:chain:read", "organization:department:read"];

const call = (tenantId = TENANT, permissions: string[] = EMPLOYEE): OrganizationCall => ({
  requestId: "r",
  tenantId,
  principal: { permissions },
});

/** organization as the cache sees it: counts its calls; answers a chain whose top limit is `limit`. */
function fakeOrganization() {
  const calls = { chain: 0, department: 0 };
  let limit = "500000.00";
  let missing = false;
  let gate: Promise<void> | undefined;
  const client: OrganizationClient = {
    async chainForUser(input) {
      calls.chain++;
      const answered = limit;
      await gate;
      if (missing) {
        throw notFound({ en: "Membership", bn: "সদস্যপদ" }, "organization.membership.not_found");
      }
      const designation = { id: "d", name: "PM", nameBn: null, rank: 2, approvalLimit: answered };
      return { userId: input.userId, chain: [{ level: 0, userId: input.userId, designation }] };
    },
    async department(input) {
      calls.department++;
      return { id: input.id };
    },
  };
  return {
    client,
    calls,
    setLimit: (value: string) => {
      limit = value;
    },
    setMissing: (value: boolean) => {
      missing = value;
    },
    hold: () => {
      const held = Promise.withResolvers<void>();
      gate = held.promise;
      return () => {
        gate = undefined;
        held.resolve();
      };
    },
  };
}

const limitOf = (answer: ChainAnswer) => answer.chain[0]?.designation.approvalLimit;

let bus: InProcessBus;
let cache: OrganizationCache;
let clock = 0;

async function announce(topic: string, tenantId: string, data: Record<string, unknown> = { id: "x" }) {
  await bus.publisher("organization-relay").send([
    {
      topic,
      key: String(data.id),
      value: JSON.stringify({ type: `${topic}.updated`, tenantid: tenantId, data }),
    },
  ]);
}

beforeAll(async () => {
  bus = createInProcessBus({ log });
  cache = createOrganizationCache({ ttlMs: 30_000, transport: bus, now: () => clock });
  await cache.start();
  bus.start();
});

beforeEach(() => {
  clock = 0;
  cache.invalidate(TENANT);
  cache.invalidate(OTHER);
});

afterAll(async () => {
  await cache.stop();
  await bus.close();
});

describe("organization answers cached per replica", () => {
  test("a chain is asked once, then answered from the cache until its time is up", async () => {
    const org = fakeOrganization();
    const client = createOrganizationCache({ ttlMs: 1_000, now: () => clock }).wrap(org.client);
    await client.chainForUser({ userId: USER }, call());
    await client.chainForUser({ userId: USER }, call());
    expect(org.calls.chain).toBe(1);
    clock = 1_000;
    await client.chainForUser({ userId: USER }, call());
    expect(org.calls.chain).toBe(2);
    await client.department({ id: DEPARTMENT }, call());
    await client.department({ id: DEPARTMENT }, call());
    expect(org.calls.department).toBe(1);
  });

  test("a membership, designation, department or tenant event of the tenant drops its answers; another tenant's does not", async () => {
    const org = fakeOrganization();
    const client = cache.wrap(org.client);
    await client.chainForUser({ userId: USER }, call());
    org.setLimit("100000.00");
    await announce("vextrus.organization.designation", OTHER);
    expect(limitOf(await client.chainForUser({ userId: USER }, call()))).toBe("500000.00");
    await announce("vextrus.organization.designation", TENANT);
    expect(limitOf(await client.chainForUser({ userId: USER }, call()))).toBe("100000.00");
    expect(org.calls.chain).toBe(2);
    for (const topic of ["vextrus.organization.membership", "vextrus.organization.department"]) {
      await announce(topic, TENANT);
      await client.chainForUser({ userId: USER }, call());
      await client.department({ id: DEPARTMENT }, call());
    }
    expect(org.calls.chain).toBe(4);
    expect(org.calls.department).toBe(2);
    // A tenant's suspension is written by the platform operator: the tenant is the event's subject.
    await announce("vextrus.organization.tenant", "00000000-0000-0000-0000-000000000000", { id: TENANT });
    await client.chainForUser({ userId: USER }, call());
    expect(org.calls.chain).toBe(5);
  });

  test("an answer asked for before a change event is not kept when it arrives after it", async () => {
    const org = fakeOrganization();
    const client = cache.wrap(org.client);
    const release = org.hold();
    const inFlight = client.chainForUser({ userId: USER }, call(OTHER));
    await announce("vextrus.organization.membership", OTHER);
    release();
    await inFlight;
    await client.chainForUser({ userId: USER }, call(OTHER));
    expect(org.calls.chain).toBe(2);
  });

  test("a caller without organization's permission is sent on to organization, never answered from the cache", async () => {
    const org = fakeOrganization();
    const client = cache.wrap(org.client);
    await client.chainForUser({ userId: USER }, call(OTHER));
    await client.department({ id: DEPARTMENT }, call(OTHER));
    await client.chainForUser({ userId: USER }, call(OTHER, ["workflow:process:start"]));
    await client.department({ id: DEPARTMENT }, call(OTHER, ["organization:chain:read"]));
    expect(org.calls).toEqual({ chain: 2, department: 2 });
    // Wildcards grant as organization grants them.
    await client.chainForUser({ userId: USER }, call(OTHER, ["organization:*"]));
    expect(org.calls.chain).toBe(2);
  });

  test("a refusal is not cached: the next start asks again", async () => {
    const org = fakeOrganization();
    const client = cache.wrap(org.client);
    org.setMissing(true);
    const refused = await client.chainForUser({ userId: USER }, call(OTHER)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    org.setMissing(false);
    await client.chainForUser({ userId: USER }, call(OTHER));
    expect(org.calls.chain).toBe(2);
  });
});
