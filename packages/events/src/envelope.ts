import { z } from "zod";

/**
 * The CloudEvents 1.0 envelope (JSON format) every Vextrus event travels in, with the Vextrus
 * extensions. Extension names are lowercase letters only, as the spec requires.
 */
/**
 * The CloudEvents Kafka protocol binding, structured content mode: the message value is the whole
 * event as JSON and this `content-type` header says so (CloudEvents SDKs recognise the message by it).
 * Structured rather than binary: the value stays the one self-describing document the outbox stores,
 * consumers and the DLQ read, and `scripts/replay-dlq.ts` re-sends; nothing is split over headers.
 */
export const CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";

/** The Kafka headers of every event message (see CLOUDEVENTS_CONTENT_TYPE). */
export const cloudEventHeaders = (): Record<string, string> => ({ "content-type": CLOUDEVENTS_CONTENT_TYPE });

export const CloudEvent = z.object({
  specversion: z.literal("1.0"),
  /** UUIDv7: unique per event, the key of every consumer's inbox. */
  id: z.uuid(),
  /** `/vextrus/<service>`: who produced it. */
  source: z.string().regex(/^\/vextrus\/[a-z][a-z0-9-]*$/),
  /** What happened: `vextrus.<service>.<entity>.<verb>`. */
  type: z.string().regex(/^vextrus(\.[a-z][a-z0-9_]*){3,}$/),
  /** The aggregate the event is about (its id); also the Kafka key. */
  subject: z.string().min(1).max(500),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z.literal("application/json"),
  /** Extension: the tenant the event belongs to. */
  tenantid: z.uuid(),
  /** Extension: who caused it (a user id, or a service name for system actions); absent when unknown. */
  actorid: z.string().min(1).max(200).optional(),
  /** Extension: W3C trace context of the request that caused it. */
  traceparent: z
    .string()
    .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
    .optional(),
  /** Extension: the version of the payload schema for this type (see the catalog). */
  dataversion: z.string().regex(/^[1-9][0-9]*$/),
  data: z.unknown(),
});

export type CloudEvent<Data = unknown> = Omit<z.infer<typeof CloudEvent>, "data"> & { data: Data };

const quotedKeys = new Map<string, string>();
/** `"key"`: event payloads reuse a small set of keys, so their quoted forms are kept (up to 10,000). */
function quoted(key: string): string {
  let text = quotedKeys.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (quotedKeys.size < 10_000) {
      quotedKeys.set(key, text);
    }
  }
  return text;
}

/**
 * JSON with object keys sorted and no whitespace: the same value always gives the same text, which
 * is what a hash chain needs. `undefined` object members are dropped, as JSON.stringify does.
 * Written as plain loops: the audit service runs it on every event (twice with a diff).
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value);
  }
  if (value === null || typeof value !== "object") {
    return JSON.stringify(value) ?? "null";
  }
  if (value instanceof Date) {
    return JSON.stringify(value.toISOString());
  }
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      out += i === 0 ? canonicalJson(value[i]) : `,${canonicalJson(value[i])}`;
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = "{";
  for (const key of keys) {
    const item = record[key];
    if (item === undefined || typeof item === "function") {
      continue;
    }
    out += `${out.length === 1 ? "" : ","}${quoted(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}
