import { type CloudEvent, canonicalJson } from "@vextrus/events";
import type { FieldChange } from "../db/schema.ts";

const sha256 = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex");

/** The hash a tenant's chain starts from (tenant-specific, so one chain cannot pass for another). */
export const genesisHash = (tenantId: string) => sha256(`vextrus-audit-genesis:${tenantId}`);

/** SHA-256 over the previous hash and the canonical JSON of the event. */
export const entryHash = (prevHash: string, event: CloudEvent) => chainHash(prevHash, canonicalJson(event));

/**
 * entryHash of an event whose canonical JSON is already at hand. Hashed piece by piece rather than
 * joined first: the canonical JSON is built by concatenation, and this way it is flattened once, in
 * place, where the caller stores it too.
 */
export const chainHash = (prevHash: string, canonicalEvent: string) =>
  new Bun.CryptoHasher("sha256").update(prevHash).update("\n").update(canonicalEvent).digest("hex");

/** `vextrus.organization.department.created` → `organization.department`. */
export const entityOf = (type: string) => type.split(".").slice(1, -1).join(".");

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

function diffInto(
  out: FieldChange[],
  prefix: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
) {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const key of keys) {
    const field = prefix ? `${prefix}.${key}` : key;
    const from = before[key];
    const to = after[key];
    if (isPlainObject(from) && isPlainObject(to)) {
      diffInto(out, field, from, to);
    } else if (canonicalJson(from ?? null) !== canonicalJson(to ?? null)) {
      out.push({ field, from: from ?? null, to: to ?? null });
    }
  }
}

/** Field-level changes when the event carries `before` and `after` objects; null otherwise. */
export function diffOf(data: unknown): FieldChange[] | null {
  if (!isPlainObject(data) || !isPlainObject(data.before) || !isPlainObject(data.after)) {
    return null;
  }
  const out: FieldChange[] = [];
  diffInto(out, "", data.before, data.after);
  return out;
}
