import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { z } from "zod";
import {
  bucketOf,
  DEFINITIONS,
  defineSetting,
  definitionOf,
  describeDefinition,
  pickValue,
  type StoredValue,
} from "../src/index.ts";

const sla = definitionOf("workflow.sla.hours");
if (!sla) {
  throw new Error("workflow.sla.hours is not declared");
}

const row = (over: Partial<StoredValue>): StoredValue => ({
  id: Bun.randomUUIDv7(),
  key: "workflow.sla.hours",
  scopeLevel: "tenant",
  scopeId: "t",
  version: 1,
  value: 1,
  effectiveFrom: new Date("2026-01-01T00:00:00Z"),
  effectiveTo: null,
  ...over,
});

describe("the registry", () => {
  test("every default satisfies its schema, every key renders as JSON Schema, and the issue's keys exist", () => {
    for (const d of DEFINITIONS) {
      expect(d.schema.safeParse(d.default).success).toBe(true);
      expect(describeDefinition(d).jsonSchema).toBeObject();
      expect(d.description.bn).toMatch(/[\u0980-\u09FF]/);
    }
    for (const key of [
      "workflow.sla.hours",
      "documents.invoice.prefix",
      "notification.quietHours",
      "bd.vat.standardRate",
    ]) {
      expect(definitionOf(key)).toBeDefined();
    }
  });

  test("a default that breaks its own schema is refused at declaration", () => {
    expect(() =>
      defineSetting({
        key: "demo.bad",
        schema: z.number().max(5),
        default: 9,
        description: { en: "x", bn: "x" },
        permission: "p",
        scopes: ["tenant"],
      }),
    ).toThrow("default");
  });
});

describe("pickValue", () => {
  const at = new Date("2026-06-01T00:00:00Z");

  test("the narrowest scope in force wins over a newer wider one; the default when nothing is in force", () => {
    const rows = [
      row({ scopeLevel: "platform", version: 7, value: 10 }),
      row({ scopeLevel: "company", scopeId: "c", value: 30 }),
      row({ scopeLevel: "tenant", version: 3, value: 20 }),
      row({ scopeLevel: "department", value: 40, effectiveFrom: new Date("2026-07-01T00:00:00Z") }),
    ];
    const r = pickValue(sla, rows, at);
    expect([r.value, r.source.level]).toEqual([30, "company"]);
    expect(r.validUntil?.toISOString()).toBe("2026-07-01T00:00:00.000Z");
    expect(pickValue(sla, [], at)).toEqual({
      key: sla.key,
      value: 48,
      source: { level: "default" },
      validUntil: null,
    });
  });

  test("within a scope the highest version in force wins; an ended one gives way to the one before", () => {
    const rows = [
      row({ version: 1, value: 1 }),
      row({ version: 2, value: 2, effectiveTo: new Date("2026-05-01T00:00:00Z") }),
      row({ version: 3, value: 3, effectiveFrom: new Date("2026-09-01T00:00:00Z") }),
    ];
    expect(pickValue(sla, rows, new Date("2026-04-01T00:00:00Z")).value).toBe(2);
    expect(pickValue(sla, rows, at).value).toBe(1);
    expect(pickValue(sla, rows, new Date("2026-09-01T00:00:00Z")).value).toBe(3);
  });

  test("the answer holds until validUntil: no instant before it resolves differently", () => {
    const instant = fc
      .integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) })
      .map((ms) => new Date(ms));
    const version = fc.record({
      scopeLevel: fc.constantFrom("platform" as const, "tenant" as const, "company" as const),
      from: instant,
      length: fc.option(fc.integer({ min: 1, max: 400 * 86_400_000 }), { nil: undefined }),
      value: fc.integer({ min: 1, max: 720 }),
    });
    fc.assert(
      fc.property(
        fc.array(version, { maxLength: 6 }),
        instant,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (specs, at, frac) => {
          const rows = specs.map((s, i) =>
            row({
              scopeLevel: s.scopeLevel,
              version: i + 1,
              value: s.value,
              effectiveFrom: s.from,
              effectiveTo: s.length === undefined ? null : new Date(s.from.getTime() + s.length),
            }),
          );
          const now = pickValue(sla, rows, at);
          const end = now.validUntil?.getTime() ?? Date.UTC(2029, 0, 1);
          const later = new Date(at.getTime() + Math.floor((end - at.getTime() - 1) * frac));
          expect(pickValue(sla, rows, later).value).toEqual(now.value);
        },
      ),
    );
  });
});

describe("bucketOf", () => {
  test("stable, in [0, 100), and spread evenly", () => {
    expect(bucketOf("k", "u-1")).toBe(bucketOf("k", "u-1"));
    const buckets = Array.from({ length: 5_000 }, (_, i) =>
      bucketOf("workflow.flags.parallelApproval", `user-${i}`),
    );
    expect(buckets.every((b) => b >= 0 && b < 100)).toBe(true);
    const below = buckets.filter((b) => b < 25).length / buckets.length;
    expect(below).toBeGreaterThan(0.22);
    expect(below).toBeLessThan(0.28);
  });
});
