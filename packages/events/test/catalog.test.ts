import { describe, expect, test } from "bun:test";
import { AppError, DATABASE_DOWN } from "@vextrus/platform";
import fc from "fast-check";
import {
  allTopicSpecs,
  buildEvent,
  CloudEvent,
  canonicalJson,
  decodeEvent,
  EVENTS,
  EventContractError,
  isInfrastructureError,
  SERVICES,
  TOPICS,
  topicOf,
  topicsConsumedBy,
} from "../src/index.ts";

const tenantId = Bun.randomUUIDv7();
const id = Bun.randomUUIDv7();

describe("catalog", () => {
  test("names at least 24 topics across all thirteen services, each `vextrus.<service>.<entity>`", () => {
    expect(TOPICS.length).toBeGreaterThanOrEqual(24);
    expect(new Set(TOPICS.map((t) => t.owner))).toEqual(new Set(SERVICES));
    for (const t of TOPICS) {
      expect(t.name).toMatch(/^vextrus\.[a-z_]+\.[a-z_]+$/);
      expect(t.partitions).toBeGreaterThanOrEqual(1);
      expect(t.retentionMs).toBeGreaterThanOrEqual(24 * 60 * 60 * 1000);
      expect(Object.keys(t.events).length).toBeGreaterThan(0);
    }
    expect(new Set(TOPICS.map((t) => t.name)).size).toBe(TOPICS.length);
  });

  test("every event type belongs to exactly one topic and is named after it", () => {
    const types = TOPICS.flatMap((t) => Object.keys(t.events));
    expect(new Set(types).size).toBe(types.length);
    expect(new Set(types)).toEqual(new Set(Object.keys(EVENTS)));
    for (const t of TOPICS) {
      const segment = t.name.split(".")[1];
      for (const type of Object.keys(t.events)) {
        expect(type.split(".")[1]).toBe(segment);
        expect(type.split(".")).toHaveLength(4);
        expect(topicOf(type)?.name).toBe(t.name);
      }
    }
  });

  test("auth's and organization's event types are all there", () => {
    for (const type of [
      "vextrus.auth.user.registered",
      "vextrus.auth.user.invited",
      "vextrus.auth.user.updated",
      "vextrus.auth.user.deactivated",
      "vextrus.auth.login.succeeded",
      "vextrus.auth.login.failed",
      "vextrus.auth.role.created",
      "vextrus.auth.role.updated",
      "vextrus.auth.role.deleted",
      "vextrus.auth.user.roles_assigned",
      "vextrus.auth.session.revoked",
      "vextrus.auth.password_reset.requested",
      "vextrus.auth.password.changed",
      "vextrus.auth.api_key.created",
      "vextrus.auth.api_key.revoked",
      "vextrus.auth.signing_key.rotated",
      ...["created", "updated", "suspended", "activated", "discarded"].map(
        (v) => `vextrus.organization.tenant.${v}`,
      ),
      ...["company", "branch", "department", "designation", "membership"].flatMap((e) =>
        ["created", "updated", "archived"].map((v) => `vextrus.organization.${e}.${v}`),
      ),
    ]) {
      expect(topicOf(type)).toBeDefined();
    }
  });

  test("the audit service consumes every topic and every consumed topic has a DLQ", () => {
    expect(topicsConsumedBy("audit")).toEqual(TOPICS.map((t) => t.name));
    const specs = allTopicSpecs();
    for (const t of TOPICS) {
      expect(specs.find((s) => s.name === `${t.name}.dlq`)?.dlq).toBe(true);
    }
    expect(specs).toHaveLength(TOPICS.length * 2);
  });
});

describe("envelope and emit", () => {
  test("buildEvent makes a CloudEvents 1.0 envelope with the Vextrus extensions, keyed by subject", () => {
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const { topic, key, event } = buildEvent({
      type: "vextrus.organization.department.created",
      subject: id,
      tenantId,
      actorId: "user-1",
      traceparent,
      data: { id, after: { name: "Civil", createdAt: new Date("2025-01-01T00:00:00Z") } },
    });
    expect(topic).toBe("vextrus.organization.department");
    expect(key).toBe(id);
    expect(CloudEvent.safeParse(event).success).toBe(true);
    expect(event).toMatchObject({
      specversion: "1.0",
      source: "/vextrus/organization",
      type: "vextrus.organization.department.created",
      subject: id,
      datacontenttype: "application/json",
      tenantid: tenantId,
      actorid: "user-1",
      traceparent,
      dataversion: "1",
    });
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    // The payload is what consumers will see: JSON (dates as ISO strings).
    expect(event.data).toEqual({ id, after: { name: "Civil", createdAt: "2025-01-01T00:00:00.000Z" } });
  });

  test("an invalid payload is a programming error naming the field", () => {
    expect(() =>
      buildEvent({
        type: "vextrus.organization.department.updated",
        subject: id,
        tenantId,
        data: { id, after: {} } as never,
      }),
    ).toThrow(
      new EventContractError(
        "vextrus.organization.department.updated payload is invalid: data.before: Invalid input: expected record, received undefined",
      ),
    );
    expect(() =>
      buildEvent({ type: "vextrus.nope.thing.happened" as never, subject: id, tenantId, data: {} as never }),
    ).toThrow(EventContractError);
    expect(() =>
      buildEvent({
        type: "vextrus.auth.login.failed",
        subject: "someone@example.com",
        tenantId: "not-a-tenant",
        data: { reason: "bad password" },
      }),
    ).toThrow(/tenantid/);
  });

  test("credentials never travel in an event, however deep", () => {
    const reset = {
      userId: id,
      resetId: Bun.randomUUIDv7(),
      expiresAt: new Date().toISOString(),
      deliveryAddress: "a@example.com",
    };
    expect(() =>
      buildEvent({ type: "vextrus.auth.password_reset.requested", subject: id, tenantId, data: reset }),
    ).not.toThrow();
    for (const secret of [{ token: "t" }, { passwordHash: "h" }, { after: { profile: { apiKey: "k" } } }]) {
      expect(() =>
        buildEvent({
          type: "vextrus.auth.password_reset.requested",
          subject: id,
          tenantId,
          data: { ...reset, ...secret },
        }),
      ).toThrow(/credential-like field/);
    }
  });

  test("decodeEvent accepts what buildEvent makes and explains everything else", () => {
    const { event } = buildEvent({
      type: "vextrus.auth.login.failed",
      subject: "someone@example.com",
      tenantId,
      data: { email: "someone@example.com", reason: "bad password" },
    });
    const ok = decodeEvent(JSON.stringify(event));
    expect("event" in ok && ok.event.id).toBe(event.id);
    expect(decodeEvent(null)).toEqual({ error: "empty message" });
    expect(decodeEvent("{")).toEqual({ error: "not JSON" });
    expect(decodeEvent(JSON.stringify({ ...event, specversion: "0.3" }))).toMatchObject({
      error: expect.stringContaining("invalid envelope: specversion"),
    });
    expect(decodeEvent(JSON.stringify({ ...event, type: "vextrus.auth.login.exploded" }))).toEqual({
      error: "unknown event type vextrus.auth.login.exploded",
    });
    expect(decodeEvent(JSON.stringify({ ...event, dataversion: "2" }))).toMatchObject({
      error: expect.stringContaining("unsupported dataversion 2"),
    });
    expect(decodeEvent(JSON.stringify({ ...event, data: { email: 5 } }))).toMatchObject({
      error: expect.stringContaining("data.reason"),
    });
  });
});

describe("canonical JSON", () => {
  test("is independent of key order and whitespace, and stable for every JSON value", () => {
    expect(canonicalJson({ b: 1, a: [true, null, { d: "x", c: 2.5 }] })).toBe(
      '{"a":[true,null,{"c":2.5,"d":"x"}],"b":1}',
    );
    expect(canonicalJson({ a: 1, skip: undefined })).toBe('{"a":1}');
    expect(canonicalJson("বাংলা")).toBe('"বাংলা"');
    const value = { z: { y: [1, 2, { x: "1" }] }, a: "" };
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
  });

  test("gives the text of the definition it is hashed by (chains recorded earlier still verify)", () => {
    // The definition, written the short way: sorted keys, JSON.stringify for every leaf.
    const reference = (value: unknown): string => {
      if (value === null || typeof value !== "object") {
        return JSON.stringify(value) ?? "null";
      }
      if (Array.isArray(value)) {
        return `[${value.map(reference).join(",")}]`;
      }
      const record = value as Record<string, unknown>;
      return `{${Object.keys(record)
        .sort()
        .filter((key) => record[key] !== undefined)
        .map((key) => `${JSON.stringify(key)}:${reference(record[key])}`)
        .join(",")}}`;
    };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(text).toBe(reference(value));
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });
});

test("infrastructure errors are told apart from bad events", () => {
  expect(isInfrastructureError({ code: "ECONNREFUSED" })).toBe(true);
  expect(isInfrastructureError(Object.assign(new Error("x"), { cause: { code: "57P01" } }))).toBe(true);
  expect(isInfrastructureError({ code: "40P01" })).toBe(true);
  expect(isInfrastructureError({ name: "KafkaJSConnectionError" })).toBe(true);
  // What a tenant transaction throws when the database gives no connection or no answer in time.
  expect(isInfrastructureError(new AppError("UNAVAILABLE", "platform.db.no_answer", DATABASE_DOWN))).toBe(
    true,
  );
  expect(isInfrastructureError(new AppError("VALIDATION", "x", DATABASE_DOWN))).toBe(false);
  expect(isInfrastructureError({ code: "23505" })).toBe(false);
  expect(isInfrastructureError(new Error("defect"))).toBe(false);
});
