import { type BatchHandler, perEvent } from "@vextrus/events";
import type { Tx } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import type { KnownUserStatus, KnownUsersTable } from "./table.ts";

/** One fact about a user: from an auth event, or from auth's answer to a lookup. */
export interface UserFact {
  userId: string;
  status: KnownUserStatus;
  /** auth's `users.version` after the change; 0 when an (older) event did not say. */
  version: number;
}

/**
 * Records facts in the tenant's projection (the caller's tenant transaction). A fact replaces the row
 * only when its version is newer, so redelivered and out-of-order events (or an event arriving after a
 * lookup already recorded a newer state) change nothing. A deactivation that carries no version (an
 * event published before versions were) still applies: auth never reactivates a user.
 */
export async function recordUsers(
  tx: Tx,
  table: KnownUsersTable,
  tenantId: string,
  facts: readonly UserFact[],
  now: Date = new Date(),
): Promise<void> {
  for (const fact of facts) {
    await tx
      .insert(table)
      .values({ tenantId, userId: fact.userId, status: fact.status, version: fact.version, updatedAt: now })
      .onConflictDoUpdate({
        target: [table.tenantId, table.userId],
        set: {
          status: sql`excluded.status`,
          version: sql`greatest(${table.version}, excluded.version)`,
          updatedAt: sql`excluded.updated_at`,
        },
        setWhere: sql`excluded.version > ${table.version} or (excluded.version = 0 and excluded.status = 'deactivated')`,
      });
  }
}

const active = (userId: string, version: number): UserFact => ({ userId, status: "active", version });

/**
 * Applies auth's user events to the projection. Created users (registered or invited) are active at
 * version 1 unless the event says otherwise; an update carries the user's status in `after`.
 */
export function knownUsersHandler(table: KnownUsersTable): BatchHandler {
  return perEvent({
    "vextrus.auth.user.registered": ({ tx, event }) =>
      recordUsers(tx, table, event.tenantid, [active(event.data.userId, event.data.version ?? 1)]),
    "vextrus.auth.user.invited": ({ tx, event }) =>
      recordUsers(tx, table, event.tenantid, [active(event.data.userId, event.data.version ?? 1)]),
    "vextrus.auth.user.updated": ({ tx, event }) =>
      recordUsers(tx, table, event.tenantid, [
        {
          userId: event.data.userId,
          status: event.data.after.status === "deactivated" ? "deactivated" : "active",
          version: event.data.version ?? 0,
        },
      ]),
    "vextrus.auth.user.deactivated": ({ tx, event }) =>
      recordUsers(tx, table, event.tenantid, [
        { userId: event.data.userId, status: "deactivated", version: event.data.version ?? 0 },
      ]),
  });
}
