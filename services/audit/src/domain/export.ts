import type { Database } from "@vextrus/platform/db";
import { eq } from "drizzle-orm";
import { chainHeads } from "../db/schema.ts";
import { type AuditEntry, type EntryFilter, entriesAfter } from "./entries.ts";

const HEADER = [
  "seq",
  "event_id",
  "time",
  "recorded_at",
  "type",
  "subject_type",
  "subject_id",
  "actor_id",
  "source",
  "diff",
  "data",
  "prev_hash",
  "hash",
];

/** RFC 4180 quoting, and a leading quote on text a spreadsheet would run as a formula. */
function cell(value: unknown): string {
  if (value === null || value === undefined) {
    return "";
  }
  let text =
    value instanceof Date ? value.toISOString() : typeof value === "string" ? value : JSON.stringify(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const line = (values: unknown[]) => `${values.map(cell).join(",")}\r\n`;

const rowOf = (e: AuditEntry) =>
  line([
    e.seq,
    e.eventId,
    e.time,
    e.recordedAt,
    e.type,
    e.entity,
    e.subjectId,
    e.actorId,
    e.source,
    e.diff,
    e.data,
    e.prevHash,
    e.hash,
  ]);

const PAGE = 1_000;

/**
 * The tenant's log in chain order as CSV, read page by page while the client reads (never the whole
 * range in memory). The range is fixed when the export starts: entries added meanwhile are not in it.
 */
export function exportCsv(db: Database, tenantId: string, filter: EntryFilter): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after = 0;
  let through: number | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async start(controller) {
        const [head] = await db.tenant(
          tenantId,
          (tx) =>
            tx.select({ seq: chainHeads.seq }).from(chainHeads).where(eq(chainHeads.tenantId, tenantId)),
          { readOnly: true },
        );
        through = head?.seq ?? 0;
        // The byte-order mark lets spreadsheet programs read Bengali text as UTF-8.
        controller.enqueue(encoder.encode(`\uFEFF${line(HEADER)}`));
      },
      async pull(controller) {
        const last = through ?? 0;
        const page = await db.tenant(tenantId, (tx) => entriesAfter(tx, filter, after, last, PAGE), {
          readOnly: true,
        });
        if (page.length > 0) {
          controller.enqueue(encoder.encode(page.map(rowOf).join("")));
          after = page.at(-1)?.seq ?? last;
        }
        if (page.length < PAGE) {
          controller.close();
        }
      },
    },
    { highWaterMark: 1 },
  );
}
