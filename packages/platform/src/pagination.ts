import { z } from "zod";

/**
 * Keyset pagination, the one way Vextrus lists pages: a page is the rows after the last row of the
 * previous page in a total order, never an OFFSET. The cursor is opaque to callers (base64url of the
 * last row's key); they hand back `nextCursor` as it came.
 */

/** The key a cursor carries: a UUIDv7 id, or an integer sequence (audit's `seq`). */
export type CursorKey = string | number;

/** What a list answers. `nextCursor` is null on the last page. */
export interface Page<Row> {
  items: Row[];
  nextCursor: string | null;
}

/** The zod schema of a page of `item`: a list procedure's `.output(…)`, so its result is documented. */
export const PageSchema = <Item extends z.ZodType>(item: Item) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

const KEYS = { uuid: z.uuid(), integer: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) };
export type KeyKind = keyof typeof KEYS;

export const BAD_CURSOR = {
  en: "The cursor is not one this list gave out; start again without it",
  bn: "কার্সরটি এই তালিকার দেওয়া নয়; কার্সর ছাড়া আবার শুরু করুন",
};

export const encodeCursor = (key: CursorKey): string =>
  Buffer.from(JSON.stringify([key])).toString("base64url");

/** The key inside a cursor of this kind, or undefined when the cursor is not one of ours. */
export function decodeCursor<K extends KeyKind>(
  cursor: string,
  kind: K,
): z.output<(typeof KEYS)[K]> | undefined {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  const parsed = KEYS[kind].safeParse(
    Array.isArray(decoded) && decoded.length === 1 ? decoded[0] : undefined,
  );
  return parsed.success ? (parsed.data as z.output<(typeof KEYS)[K]>) : undefined;
}

export interface PageInputOptions {
  /** What the list's key is (default `uuid`). */
  key?: KeyKind;
  defaultLimit?: number;
  maxLimit?: number;
}

/**
 * The `limit` + `cursor` fields of a list's input (spread them into its schema). A cursor that is not
 * one this list gave out is a 400 naming `cursor`, in English and Bengali.
 */
export function pageInput(options: PageInputOptions = {}) {
  const kind = options.key ?? "uuid";
  const max = options.maxLimit ?? 100;
  return {
    limit: z
      .number()
      .int()
      .min(1)
      .max(max)
      .default(options.defaultLimit ?? Math.min(20, max)),
    cursor: z
      .string()
      .max(200)
      .refine((cursor) => decodeCursor(cursor, kind) !== undefined, {
        message: BAD_CURSOR.en,
        params: { messageBn: BAD_CURSOR.bn },
      })
      .optional(),
  };
}

/** Cuts the `limit + 1` rows a keyset query read into a page; the extra row only says there is more. */
export function pageOf<Row>(rows: Row[], limit: number, keyOf: (row: Row) => CursorKey): Page<Row> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
