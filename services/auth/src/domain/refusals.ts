import { PLATFORM_TENANT_ID } from "@vextrus/events";
import type { Database, Tx } from "@vextrus/platform/db";
import { and, eq, gt, isNotNull, isNull, lt, sql, sum } from "drizzle-orm";
import { loginRefusals } from "../db/schema.ts";
import { addSeconds } from "./clock.ts";
import { emitEvent } from "./events.ts";

/** Refusals of one address are counted, and reported, per window of this many seconds. */
export const REFUSAL_WINDOW_SECONDS = 60;

const windowOf = (at: Date) =>
  new Date(Math.floor(at.getTime() / (REFUSAL_WINDOW_SECONDS * 1000)) * REFUSAL_WINDOW_SECONDS * 1000);

/**
 * Counts one sign-in refused for its address (platform scope): one row per address and window, so a
 * flood adds nothing but a counter. No sign-in attempt row, no event: `reportLoginRefusals` writes
 * one event per address and window once the window has closed.
 */
export async function countRefusal(tx: Tx, ip: string, now: Date): Promise<void> {
  await tx
    .insert(loginRefusals)
    .values({ ip, windowStart: windowOf(now), refusals: 1, firstAt: now, lastAt: now })
    .onConflictDoUpdate({
      target: [loginRefusals.ip, loginRefusals.windowStart],
      set: { refusals: sql`${loginRefusals.refusals} + 1`, lastAt: now },
    });
}

/** Refusals of an address in windows that started after `since` (they keep a flooding address blocked). */
export async function refusalsSince(tx: Tx, ip: string, since: Date): Promise<number> {
  const [row] = await tx
    .select({ n: sum(loginRefusals.refusals) })
    .from(loginRefusals)
    .where(and(eq(loginRefusals.ip, ip), gt(loginRefusals.windowStart, since)));
  return Number(row?.n ?? 0);
}

/**
 * Writes `login.ip_limited` (platform tenant) for every address and closed window not reported yet,
 * with its count, and marks them reported in the same transaction: replicas running this at once
 * report each window once (the update claims the rows). Returns how many events were written.
 */
export async function reportLoginRefusals(db: Database, now: Date): Promise<number> {
  return db.privileged(async (tx) => {
    const closed = await tx
      .update(loginRefusals)
      .set({ reportedAt: now })
      .where(and(isNull(loginRefusals.reportedAt), lt(loginRefusals.windowStart, windowOf(now))))
      .returning();
    for (const row of closed) {
      await emitEvent(tx, {
        type: "vextrus.auth.login.ip_limited",
        subject: row.ip,
        tenantId: PLATFORM_TENANT_ID,
        actorId: null,
        data: {
          ip: row.ip,
          count: row.refusals,
          windowStart: row.windowStart.toISOString(),
          windowEnd: addSeconds(row.windowStart, REFUSAL_WINDOW_SECONDS).toISOString(),
          firstAt: row.firstAt.toISOString(),
          lastAt: row.lastAt.toISOString(),
        },
      });
    }
    return closed.length;
  });
}

/** Deletes reported windows older than `before` (with the sign-in attempts' retention). */
export async function pruneLoginRefusals(tx: Tx, before: Date): Promise<void> {
  await tx
    .delete(loginRefusals)
    .where(and(lt(loginRefusals.windowStart, before), isNotNull(loginRefusals.reportedAt)));
}
