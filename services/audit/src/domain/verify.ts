import { canonicalJson } from "@vextrus/events";
import { and, asc, eq, gte, lte, max, min } from "drizzle-orm";
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
 * Recomputes the tenant's hash chain over a range of sequence numbers from the entries themselves:
 * every entry from the chain's start to the last entry present must be there, link to the previous
 * hash and hash to its stored value. The chain head is a cache (appends lock it): it must agree with
 * the last entry, and disagreeing is reported like a broken entry. Entries removed by the retention
 * policy are skipped (verification starts from the anchor the policy kept, and nothing may remain at
 * or before it).
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

const broken = (firstBrokenSeq: number, reason: string, checked = 0): VerifyResult => ({
  ok: false,
  checked,
  firstBrokenSeq,
  reason,
});

async function verify(ctx: AuditContext, input: z.infer<typeof VerifyInput>): Promise<VerifyResult> {
  const { db } = ctx.deps;
  const read = <T>(fn: Parameters<typeof db.tenant<T>>[1]) => db.tenant(ctx.tenantId, fn, { readOnly: true });
  const [[head], [bounds]] = await read((tx) =>
    Promise.all([
      tx.select().from(chainHeads).where(eq(chainHeads.tenantId, ctx.tenantId)),
      tx.select({ first: min(logEntries.seq), last: max(logEntries.seq) }).from(logEntries),
    ]),
  );
  const first = bounds?.first ?? null;
  const last = bounds?.last ?? null;
  if (!head) {
    return first === null ? { ok: true, checked: 0 } : broken(first, "entries without a chain head");
  }
  if (first !== null && first <= head.anchorSeq) {
    return broken(first, "entry at or before the start of the chain (the head's anchor disagrees)");
  }
  // The chain runs to its last entry, or to where the head claims it ends if that is further.
  const lastSeq = Math.max(last ?? head.anchorSeq, head.seq, head.anchorSeq);
  const start = Math.max(input.from ?? 1, head.anchorSeq + 1);
  const end = Math.min(input.to ?? lastSeq, lastSeq);
  const initial = head.anchorSeq > 0 ? head.anchorHash : genesisHash(ctx.tenantId);
  if (initial === null) {
    return broken(head.anchorSeq + 1, "chain head has an anchor without its hash");
  }
  let prevHash: string;
  if (start === head.anchorSeq + 1) {
    prevHash = initial;
  } else if (start > end) {
    return { ok: true, checked: 0 };
  } else {
    const [before] = await read((tx) =>
      tx
        .select({ hash: logEntries.hash })
        .from(logEntries)
        .where(eq(logEntries.seq, start - 1)),
    );
    if (!before) {
      return broken(start - 1, "entry missing");
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
        return broken(expected, "entry missing", checked);
      }
      const problem = problemWith(entry, prevHash, ctx.tenantId);
      if (problem) {
        return broken(entry.seq, problem, checked);
      }
      prevHash = entry.hash;
      expected += 1;
      checked += 1;
    }
  }
  if (expected <= end) {
    return broken(expected, "entry missing", checked);
  }
  if (end === lastSeq) {
    if (head.seq !== lastSeq) {
      return broken(head.seq + 1, "chain head disagrees with the entries: they go on past it", checked);
    }
    if (prevHash !== head.hash) {
      return broken(head.seq, "chain head does not match the last entry", checked);
    }
  }
  return { ok: true, checked };
}
