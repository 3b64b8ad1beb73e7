import { toBengaliDigits } from "@vextrus/bd";
import { z } from "zod";
import type { Bilingual } from "./errors.ts";

/** Keys that name an object's prototype machinery: never data, refused anywhere in an input. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** How deep any procedure's input may nest (objects, arrays, maps and sets). */
export const MAX_INPUT_DEPTH = 64;

type Segment = string | number;

/** The first unsafe spot of an input: where (`a.b.0`), a stable code, and what is wrong in both languages. */
export interface InputFault {
  path: string;
  segments: Segment[];
  code: string;
  problem: Bilingual;
}

const pathOf = (segments: readonly Segment[]) => segments.map(String).join(".") || "(input)";

function fault(segments: Segment[], code: string, en: string, bn: string): InputFault {
  return { path: pathOf(segments), segments, code, problem: { en, bn } };
}

const nul = (segments: Segment[]) =>
  fault(
    segments,
    "input.nul",
    "must not contain the NUL character (\\u0000)",
    "NUL অক্ষর (\\u0000) থাকতে পারবে না",
  );

/** The entries of a container the walk descends into; undefined for a leaf. */
function entriesOf(value: unknown): [Segment, unknown][] | undefined {
  if (Array.isArray(value)) {
    return value.map((item, index) => [index, item]);
  }
  if (value instanceof Map) {
    return [...value].map(([key, item]) => [String(key), item]);
  }
  if (value instanceof Set) {
    return [...value].map((item, index) => [index, item]);
  }
  if (typeof value === "object" && value !== null && !(value instanceof Date)) {
    return Object.keys(value).map((key) => [key, (value as Record<string, unknown>)[key]]);
  }
  return undefined;
}

/**
 * Walks an input (without recursion, depth-first in document order) and returns the first string
 * or key holding a NUL character, the first `__proto__` / `constructor` / `prototype` key, or the
 * first place nested deeper than `maxDepth`. PostgreSQL cannot store NUL in text, and the wire
 * format refuses to send those keys back: both would otherwise become 500s after the fact.
 */
export function inputFault(input: unknown, maxDepth = MAX_INPUT_DEPTH): InputFault | undefined {
  const stack: { value: unknown; path: Segment[] }[] = [{ value: input, path: [] }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { value, path } = next;
    if (typeof value === "string") {
      if (value.includes("\0")) {
        return nul(path);
      }
      continue;
    }
    const entries = entriesOf(value);
    if (!entries || entries.length === 0) {
      continue;
    }
    if (path.length >= maxDepth) {
      return fault(
        path,
        "input.too_deep",
        `nests deeper than ${maxDepth} levels`,
        `${toBengaliDigits(String(maxDepth))} স্তরের বেশি গভীরে যেতে পারবে না`,
      );
    }
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i] as [Segment, unknown];
      stack.push({ value: item, path: [...path, key] });
    }
    // Keys are checked before anything inside the container, in order.
    for (const [key] of entries) {
      if (typeof key !== "string") {
        continue;
      }
      if (FORBIDDEN_KEYS.has(key)) {
        return fault(
          [...path, key],
          "input.key.forbidden",
          `"${key}" is not allowed as a key`,
          `"${key}" নামটি কী (key) হিসেবে ব্যবহার করা যাবে না`,
        );
      }
      if (key.includes("\0")) {
        return nul([...path, key]);
      }
    }
  }
  return undefined;
}

export interface JsonObjectLimits {
  /** Size of the field as compact JSON, in UTF-8 bytes. */
  maxBytes: number;
  /** Nesting levels: `{ "a": 1 }` is 1, `{ "a": { "b": 1 } }` is 2. */
  maxDepth: number;
}

const JSON_KEY = z.string().min(1).max(100);

/** Bytes of a value as compact JSON (UTF-8). */
export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");

/**
 * A free-form JSON object field (request data, settings, metadata), checked before zod copies it:
 * at most `maxBytes` of JSON and `maxDepth` levels, no NUL and no `__proto__` / `constructor` /
 * `prototype` key anywhere (refused, never silently dropped). Issues carry `params.code`
 * (`input.nul`, `input.key.forbidden`, `input.too_deep`, `input.too_large`) and Bengali text.
 */
export function jsonObject(limits: JsonObjectLimits = { maxBytes: 16_384, maxDepth: 8 }) {
  return z
    .unknown()
    .superRefine((value, ctx) => {
      const found = inputFault(value, limits.maxDepth);
      if (found) {
        ctx.addIssue({
          code: "custom",
          path: found.segments,
          message: found.problem.en,
          params: { code: found.code, messageBn: found.problem.bn },
        });
        return;
      }
      if (typeof value === "object" && value !== null && jsonBytes(value) > limits.maxBytes) {
        const bytes = String(limits.maxBytes);
        ctx.addIssue({
          code: "custom",
          message: `must be at most ${bytes} bytes of JSON`,
          params: {
            code: "input.too_large",
            messageBn: `JSON আকারে ${toBengaliDigits(bytes)} বাইটের বেশি হতে পারবে না`,
          },
        });
      }
    })
    .pipe(z.record(JSON_KEY, z.json()));
}

const isPlain = (value: object) => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/**
 * A copy of `value` without `__proto__` / `constructor` / `prototype` keys in its plain objects and
 * arrays (other objects are kept as they are). For data stored before such keys were refused.
 */
export function withoutForbiddenKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(withoutForbiddenKeys);
  }
  if (typeof value !== "object" || value === null || !isPlain(value)) {
    return value;
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (!FORBIDDEN_KEYS.has(key)) {
      copy[key] = withoutForbiddenKeys((value as Record<string, unknown>)[key]);
    }
  }
  return copy;
}
