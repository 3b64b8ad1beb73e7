import { canonicalJson } from "@vextrus/events";
import { and, asc, eq, gte, lte } from "drizzle-orm";
import { z } from "zod";
import { chainHeads, logEntries } from "../db/schema.ts";
import type { AuditContext } from "../deps.ts";
import { diffOf, entityOf, entryHash, genesisHash } from "./chain.ts";

export const VerifyInput = z
  .object({
    /** First sequence number to check (default: the start of the chain). */
    from: z.number().int().min(1).optional(),
    /** Last sequence number to check (default: the chain head). */
    to: z.number().int().min(1).optional(),
  })
  .refine((r) => r.from === undefined || r.to === undefined || r.from <= r.to, {
    path: ["to"],
    message: "must not be before from",
    params: { messageBn: "শেষ ক্রমিক শুরুর ক্রমিকের আগে হতে পারে না" },
  });

export interface VerifyResult {
  ok: boolean;
  /** Entries whose hash was recomputed. */
  checked: number;
  /** The first entry that is missing, altered or out of place. */
  firstBrokenSeq?: number;
  reason?: string;
}

type Entry = typeof logEntries.$inferSelect;

const PAGE = 2_000;

/** Why an entry does not belong where it is, or undefined when it does. */
function problemWith(entry: Entry, prevHash: string, tenantId: string): string | undefined {
  const event = entry.event;
  if (entry.prevHash !== prevHash) {
    return "prev_hash does not match the previous entry";
  }
  if (entryHash(prevHash, event) !== entry.hash) {
    return "hash does not match the event";
  }
  const columnsMatch =
    entry.eventId === event.id &&
    entry.type === event.type &&
    entry.entity === entityOf(event.type) &&
    entry.subject === event.subject &&
    entry.actorId === (event.actorid ?? null) &&
    entry.source === event.source &&
    event.tenantid === tenantId &&
    entry.occurredAt.getTime() === Date.parse(event.time);
  if (!columnsMatch) {
    return "columns do not match the hashed event";
  }
  if (canonicalJson(entry.diff) !== canonicalJson(diffOf(event.data))) {
    return "diff does not match the hashed event";
  }
  return undefined;
}

/**
 * Recomputes the tenant's hash chain over a range of sequence numbers: every entry must be present,
 * link to the previous hash and hash to its stored value. Entries removed by the retention policy
 * are skipped (verification starts from the anchor the policy kept).
 */
export async function verifyChain({
  ctx,
  input,
}: {
  ctx: AuditContext;
  input: z.infer<typeof VerifyInput>;
}): Promise<VerifyResult> {
  const timer = ctx.deps.metrics.verifyDuration.startTimer();
  const result = await verify(ctx, input);
  timer({ outcome: result.ok ? "ok" : "broken" });
  return result;
}

async function verify(ctx: AuditContext, input: z.infer<typeof VerifyInput>): Promise<VerifyResult> {
  const { db } = ctx.deps;
  const read = <T>(fn: Parameters<typeof db.tenant<T>>[1]) => db.tenant(ctx.tenantId, fn, { readOnly: true });
  const [head] = await read((tx) =>
    tx.select().from(chainHeads).where(eq(chainHeads.tenantId, ctx.tenantId)),
  );
  if (!head) {
    const [stray] = await read((tx) => tx.select({ seq: logEntries.seq }).from(logEntries).limit(1));
    return stray
      ? { ok: false, checked: 0, firstBrokenSeq: stray.seq, reason: "entry without a chain" }
      : { ok: true, checked: 0 };
  }
  const start = Math.max(input.from ?? 1, head.anchorSeq + 1);
  const end = Math.min(input.to ?? head.seq, head.seq);
  if (start > end) {
    return { ok: true, checked: 0 };
  }
  let prevHash: string;
  if (start === 1) {
    prevHash = genesisHash(ctx.tenantId);
  } else if (start - 1 === head.anchorSeq && head.anchorHash) {
    prevHash = head.anchorHash;
  } else {
    const [before] = await read((tx) =>
      tx
        .select({ hash: logEntries.hash })
        .from(logEntries)
        .where(eq(logEntries.seq, start - 1)),
    );
    if (!before) {
      return { ok: false, checked: 0, firstBrokenSeq: start - 1, reason: "entry missing" };
    }
    prevHash = before.hash;
  }
  let expected = start;
  let checked = 0;
  while (expected <= end) {
    const page = await read((tx) =>
      tx
        .select()
        .from(logEntries)
        .where(and(gte(logEntries.seq, expected), lte(logEntries.seq, end)))
        .orderBy(asc(logEntries.seq))
        .limit(PAGE),
    );
    if (page.length === 0) {
      break;
    }
    for (const entry of page) {
      if (entry.seq !== expected) {
        return { ok: false, checked, firstBrokenSeq: expected, reason: "entry missing" };
      }
      const problem = problemWith(entry, prevHash, ctx.tenantId);
      if (problem) {
        return { ok: false, checked, firstBrokenSeq: entry.seq, reason: problem };
      }
      prevHash = entry.hash;
      expected += 1;
      checked += 1;
    }
  }
  if (expected <= end) {
    return { ok: false, checked, firstBrokenSeq: expected, reason: "entry missing" };
  }
  if (end === head.seq && prevHash !== head.hash) {
    return {
      ok: false,
      checked,
      firstBrokenSeq: head.seq,
      reason: "chain head does not match the last entry",
    };
  }
  return { ok: true, checked };
}
