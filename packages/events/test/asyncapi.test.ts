/**
 * The AsyncAPI 3 document generated from the catalog: valid for the AsyncAPI parser (no error
 * diagnostics), one channel per topic and one message per event type, each payload the CloudEvents
 * envelope around that type's data schema, which accepts a real event and refuses a wrong one.
 */
import { describe, expect, test } from "bun:test";
import { Parser } from "@asyncapi/parser";
import { Ajv } from "ajv";
import { asyncApiDocument, buildEvent, EVENTS, TOPICS } from "../src/index.ts";

const document = asyncApiDocument("0.1.0");

describe("asyncapi.json", () => {
  test("parses without errors in @asyncapi/parser", async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(JSON.stringify(document));
    const errors = diagnostics.filter((d) => d.severity === 0);
    expect(errors.map((d) => `${d.path.join(".")}: ${d.message}`)).toEqual([]);
    expect(parsed?.version()).toBe("3.0.0");
    expect(parsed?.channels().length).toBe(TOPICS.length);
    expect(parsed?.messages().length).toBe(Object.keys(EVENTS).length);
  }, 60_000);

  test("a message's payload schema accepts the event the producers build, and refuses another type's", () => {
    const ajv = new Ajv({ strict: false, validateFormats: false });
    const type = "vextrus.organization.company.created";
    const message = (document.components.messages as Record<string, { payload: object }>)[type];
    expect(message).toBeDefined();
    const validate = ajv.compile(message?.payload ?? {});
    const id = Bun.randomUUIDv7();
    const { event } = buildEvent({
      type,
      subject: id,
      tenantId: Bun.randomUUIDv7(),
      actorId: Bun.randomUUIDv7(),
      data: { id, after: { id, name: "Rupayan Housing" } },
    });
    const json = JSON.parse(JSON.stringify(event));
    expect(validate(json)).toBe(true);
    expect(validate({ ...json, type: "vextrus.organization.company.updated" })).toBe(false);
    expect(validate({ ...json, data: { after: {} } })).toBe(false);
  });
});
