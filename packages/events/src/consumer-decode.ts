import { definitionOf } from "./catalog.ts";
import { CloudEvent } from "./envelope.ts";

/** Parses a message into a catalog event, or says why it cannot be one (a poison message). */
export function decodeEvent(value: string | null): { event: CloudEvent } | { error: string } {
  if (!value) {
    return { error: "empty message" };
  }
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return { error: "not JSON" };
  }
  const envelope = CloudEvent.safeParse(json);
  if (!envelope.success) {
    return {
      error: `invalid envelope: ${envelope.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    };
  }
  const definition = definitionOf(envelope.data.type);
  if (!definition) {
    return { error: `unknown event type ${envelope.data.type}` };
  }
  if (String(definition.version) !== envelope.data.dataversion) {
    return {
      error: `unsupported dataversion ${envelope.data.dataversion} of ${envelope.data.type} (expected ${definition.version})`,
    };
  }
  const data = definition.schema.safeParse(envelope.data.data);
  if (!data.success) {
    const issues = data.error.issues.map((i) => `${["data", ...i.path].join(".")}: ${i.message}`);
    return { error: `invalid payload of ${envelope.data.type}: ${issues.join("; ")}` };
  }
  return { event: { ...envelope.data, data: data.data } };
}
