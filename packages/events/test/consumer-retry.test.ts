import { describe, expect, test } from "bun:test";
import { createLogger } from "@vextrus/platform";
import { ApplyTimeoutError } from "../src/consumer-inbox.ts";
import { retrying } from "../src/consumer-retry.ts";
import type { Item } from "../src/consumer-types.ts";

const log = createLogger({ level: "error", write: () => {} });
const control = { heartbeat: async () => {}, isRunning: () => true };
const items = (n: number): Item[] =>
  Array.from({ length: n }, (_, i) => ({
    message: { topic: "vextrus.workflow.task", partition: 0, offset: String(i), key: null, value: null },
    event: { id: `e${i}` },
  })) as unknown as Item[];

describe("the retry loop", () => {
  test("a group too big to settle in time is applied in halves, in order, instead of again and again", async () => {
    const applied: string[][] = [];
    let calls = 0;
    const { applyGroup } = retrying({
      // A loaded machine: a transaction of more than 3 events never settles in time.
      apply: async (_tenant, group) => {
        calls++;
        if (group.length > 3) {
          throw new ApplyTimeoutError(30_000);
        }
        applied.push(group.map((i) => i.event.id));
      },
      deadLetter: async () => {},
      maxAttempts: 3,
      retryBaseMs: 1,
      log,
      metrics: undefined,
    });
    await applyGroup("t", items(10), control);
    expect(applied.flat()).toEqual(items(10).map((i) => i.event.id));
    expect(applied.every((group) => group.length <= 3)).toBe(true);
    // 10 → 5 + 5 → (3 + 2) + (3 + 2): 3 timed out, 4 applied.
    expect(calls).toBe(7);
  });

  test("other outages retry the same group until it goes through", async () => {
    const sizes: number[] = [];
    const { applyGroup } = retrying({
      apply: async (_tenant, group) => {
        sizes.push(group.length);
        if (sizes.length < 3) {
          throw Object.assign(new Error("connection refused"), { code: "ECONNREFUSED" });
        }
      },
      deadLetter: async () => {},
      maxAttempts: 3,
      retryBaseMs: 1,
      log,
      metrics: undefined,
    });
    await applyGroup("t", items(4), control);
    expect(sizes).toEqual([4, 4, 4]);
  });
});
