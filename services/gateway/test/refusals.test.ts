import { afterEach, describe, expect, test } from "bun:test";
import { CloudEvent, createInProcessBus, type InProcessBus, PLATFORM_TENANT_ID } from "@vextrus/events";
import { createLogger } from "@vextrus/platform";
import { type Refusal, refusalReporter } from "../src/refusals.ts";

const lines: string[] = [];
const log = createLogger({ level: "warn", write: (line) => lines.push(line) });
const TENANT = "0193a4b2-7c1d-7e2f-8a3b-4c5d6e7f8a9b";

let bus: InProcessBus | undefined;
afterEach(async () => {
  await bus?.close();
  bus = undefined;
  lines.length = 0;
});

/** A real in-process bus with a probe consumer on the gateway's topic. */
async function probe() {
  bus = createInProcessBus({ log });
  const seen: CloudEvent[] = [];
  await bus.subscribe({
    group: "probe",
    topics: ["vextrus.gateway.access"],
    onBatch: async (messages) => {
      for (const message of messages) {
        seen.push(CloudEvent.parse(JSON.parse(message.value ?? "null")));
      }
    },
  });
  bus.start();
  return { publisher: bus.publisher("gateway"), seen };
}

const byIp: Refusal = {
  scope: "ip",
  address: "203.0.113.7",
  tenant: undefined,
  route: "/trpc/organization",
  limit: 200,
};
const byTenant: Refusal = {
  scope: "tenant",
  address: "198.51.100.4",
  tenant: TENANT,
  route: "/trpc/(batch)",
  limit: 100,
};

describe("rate-limit refusals as events", () => {
  test("one event per caller, limit and route per window, with the count; the claimed tenant is data only", async () => {
    const { publisher, seen } = await probe();
    const reporter = refusalReporter({ publisher, log });
    for (let i = 0; i < 5; i++) {
      reporter.record(byIp);
    }
    reporter.record(byTenant);
    reporter.record(byTenant);
    reporter.record({ ...byIp, route: "/trpc/auth" });
    await reporter.flush();

    expect(seen).toHaveLength(3);
    for (const event of seen) {
      expect(event.type).toBe("vextrus.gateway.access.rate_limited");
      // The tenant claim is unverified: the event belongs to the platform, never to that tenant.
      expect(event.tenantid).toBe(PLATFORM_TENANT_ID);
    }
    const counts = seen.map((e) => e.data as Record<string, unknown>);
    expect(counts).toContainEqual(
      expect.objectContaining({
        scope: "ip",
        ip: "203.0.113.7",
        route: "/trpc/organization",
        count: 5,
        limit: 200,
      }),
    );
    expect(counts).toContainEqual(
      expect.objectContaining({ scope: "tenant", tenant: TENANT, route: "/trpc/(batch)", count: 2 }),
    );
    expect(counts).toContainEqual(expect.objectContaining({ route: "/trpc/auth", count: 1 }));

    await reporter.flush();
    expect(seen).toHaveLength(3);
    await reporter.stoppable.stop();
  });

  test("callers past the window's bound are counted in the log, not kept", async () => {
    const { publisher, seen } = await probe();
    const reporter = refusalReporter({ publisher, log, maxTallies: 1 });
    reporter.record(byIp);
    reporter.record(byTenant);
    reporter.record(byTenant);
    await reporter.flush();
    expect(seen.map((e) => (e.data as { count: number }).count)).toEqual([1]);
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(expect.objectContaining({ untallied: 2 }));
    await reporter.stoppable.stop();
  });

  test("a transport that fails is logged and the gateway goes on; stop publishes what is left", async () => {
    const failing = {
      send: async () => {
        throw new Error("broker unreachable");
      },
      close: async () => {},
    };
    const reporter = refusalReporter({ publisher: failing, log });
    reporter.record(byIp);
    await reporter.flush();
    expect(lines.join("\n")).toContain("broker unreachable");

    const { publisher, seen } = await probe();
    const second = refusalReporter({ publisher, log });
    second.record(byTenant);
    await second.stoppable.stop();
    expect(seen).toHaveLength(1);
  });
});
