import { expect, test } from "bun:test";
import { RateLimiter } from "../src/index.ts";

test("a bucket spends its burst, refills at its rate, and says how long to wait", () => {
  let now = 0;
  const limiter = new RateLimiter({ perSecond: 2, burst: 4 }, () => now);
  expect(limiter.take("t", 3)).toBe(0);
  expect(limiter.take("t", 1)).toBe(0);
  expect(limiter.take("t", 1)).toBe(1);
  expect(limiter.take("t", 4)).toBe(2);
  expect(limiter.take("other", 4)).toBe(0);
  now = 1_000;
  expect(limiter.take("t", 2)).toBe(0);
  limiter.refund("t", 2);
  expect(limiter.take("t", 2)).toBe(0);
  now = 100_000;
  expect(limiter.take("t", 4)).toBe(0);
  expect(limiter.take("t", 1)).toBe(1);
});

test("rate 0 turns the limit off", () => {
  const limiter = new RateLimiter({ perSecond: 0, burst: 0 });
  expect(limiter.enabled).toBe(false);
  expect(limiter.take("t", 1_000)).toBe(0);
});

test("memory stays bounded however many keys callers invent", () => {
  let now = 0;
  const limiter = new RateLimiter({ perSecond: 1, burst: 5 }, () => now);
  for (let i = 0; i < 50_000; i++) {
    now += 0.001;
    limiter.take(`forged-${i}`, 1);
  }
  expect((limiter as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(10_000);
});
