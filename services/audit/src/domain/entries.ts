import { pageInput, pageOf } from "@vextrus/platform";
import { keyset, type Tx } from "@vextrus/platform/db";
import { and, asc, eq, gt, gte, like, lte, type SQL } from "drizzle-orm";
import { z } from "zod";
import { logEntries } from "../db/schema.ts";
import type { AuditContext } from "../deps.ts";

/** The filters an auditor can combine; also the query string of the CSV export. */
export const EntryFilter = z
  .object({
    /** The entity type, e.g. `organization.department`. */
    subjectType: z
      .string()
      .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, "an entity type such as organization.department")
      .max(200)
      .optional(),
    /** The entity's id (the event subject). */
    subjectId: z.string().trim().min(1).max(500).optional(),
    actorId: z.string().trim().min(1).max(200).optional(),
    /** e.g. `vextrus.auth.` or `vextrus.organization.department.updated`. */
    typePrefix: z
      .string()
      .regex(/^[a-z0-9_.]+$/, "lowercase letters, digits, dots and underscores")
      .max(200)
      .optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, {
    path: ["to"],
    message: "must not be before from",
    params: { messageBn: "শেষ সময় শুরুর সময়ের আগে হতে পারে না" },
  });
export type EntryFilter = z.infer<typeof EntryFilter>;

export const ListEntriesInput = EntryFilter.and(
  z.object({
    /** `cursor`: the `nextCursor` of the previous page. */
    ...pageInput({ key: "integer", defaultLimit: 50, maxLimit: 200 }),
  }),
);

const columns = {
  seq: logEntries.seq,
  eventId: logEntries.eventId,
  type: logEntries.type,
  entity: logEntries.entity,
  subject: logEntries.subject,
  actorId: logEntries.actorId,
  source: logEntries.source,
  occurredAt: logEntries.occurredAt,
  recordedAt: logEntries.recordedAt,
  event: logEntries.event,
  diff: logEntries.diff,
  prevHash: logEntries.prevHash,
  hash: logEntries.hash,
};

type Row = {
  [K in keyof typeof columns]: (typeof logEntries.$inferSelect)[K extends keyof typeof logEntries.$inferSelect
    ? K
    : never];
};

export interface AuditEntry {
  seq: number;
  eventId: string;
  type: string;
  entity: string;
  subjectId: string;
  actorId: string | null;
  source: string;
  time: Date;
  recordedAt: Date;
  data: unknown;
  diff: { field: string; from: unknown; to: unknown }[] | null;
  prevHash: string;
  hash: string;
}

export const toEntry = (row: Row): AuditEntry => ({
  seq: row.seq,
  eventId: row.eventId,
  type: row.type,
  entity: row.entity,
  subjectId: row.subject,
  actorId: row.actorId,
  source: row.source,
  time: row.occurredAt,
  recordedAt: row.recordedAt,
  data: row.event.data,
  diff: row.diff,
  prevHash: row.prevHash,
  hash: row.hash,
});

const escapeLike = (text: string) => text.replace(/[%_\\]/g, "\\$&");

function whereOf(filter: EntryFilter): (SQL | undefined)[] {
  return [
    filter.subjectType ? eq(logEntries.entity, filter.subjectType) : undefined,
    filter.subjectId ? eq(logEntries.subject, filter.subjectId) : undefined,
    filter.actorId ? eq(logEntries.actorId, filter.actorId) : undefined,
    filter.typePrefix ? like(logEntries.type, `${escapeLike(filter.typePrefix)}%`) : undefined,
    filter.from ? gte(logEntries.occurredAt, filter.from) : undefined,
    filter.to ? lte(logEntries.occurredAt, filter.to) : undefined,
  ];
}

/** The tenant's log, newest first, filtered, in pages (the cursor is a sequence number). */
export async function listEntries({
  ctx,
  input,
}: {
  ctx: AuditContext;
  input: z.infer<typeof ListEntriesInput>;
}) {
  const page = keyset({ id: logEntries.seq, direction: "desc", key: "integer" }, input.cursor);
  const rows = await ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) =>
      tx
        .select(columns)
        .from(logEntries)
        .where(and(page.where, ...whereOf(input)))
        .orderBy(...page.orderBy)
        .limit(input.limit + 1),
    { readOnly: true },
  );
  const { items, nextCursor } = pageOf(rows, input.limit, (row) => row.seq);
  return { items: items.map(toEntry), nextCursor };
}

/** One page of a filtered range in chain order (the CSV export reads the log this way). */
export async function entriesAfter(
  tx: Tx,
  filter: EntryFilter,
  after: number,
  through: number,
  limit: number,
): Promise<AuditEntry[]> {
  const rows = await tx
    .select(columns)
    .from(logEntries)
    .where(and(gt(logEntries.seq, after), lte(logEntries.seq, through), ...whereOf(filter)))
    .orderBy(asc(logEntries.seq))
    .limit(limit);
  return rows.map(toEntry);
}
