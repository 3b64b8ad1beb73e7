import { AppError, type CallContext, type Logger } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import { inArray } from "drizzle-orm";
import { Counter, type Registry } from "prom-client";
import type { UserDirectory } from "./directory.ts";
import { recordUsers, type UserFact } from "./record.ts";
import type { KnownUserStatus, KnownUsersTable } from "./table.ts";

/** A user id in a request, and the input field it came from (named in the error). */
export interface UserRef {
  field: string;
  id: string | null | undefined;
}

/** The caller of the request being served. */
export interface CheckContext extends CallContext {
  tenantId: string;
  log?: Logger | undefined;
}

export interface KnownUsersOptions {
  db: Database;
  table: KnownUsersTable;
  /** Asked on a projection miss; without one, a user the projection does not know is unknown. */
  directory?: UserDirectory | undefined;
  /**
   * Registers `vextrus_<service>_user_checks_total{answer}`: ids answered by the projection, by auth
   * (the projection had not seen them yet: a lagging consumer shows here), or by nobody (unknown).
   */
  metrics?: { service: string; registry: Registry } | undefined;
}

const unknownUser = (field: string) =>
  new AppError(
    "VALIDATION",
    "user.unknown",
    {
      en: "No user with this id belongs to this organisation",
      bn: "এই আইডির কোনো ব্যবহারকারী এই প্রতিষ্ঠানে নেই",
    },
    field,
  );

const deactivatedUser = (field: string) =>
  new AppError(
    "VALIDATION",
    "user.deactivated",
    {
      en: "This user is deactivated and cannot be given new responsibilities",
      bn: "এই ব্যবহারকারী নিষ্ক্রিয়, তাঁকে নতুন দায়িত্ব দেওয়া যাবে না",
    },
    field,
  );

/**
 * Checks that user ids named in a request are active users of the caller's tenant: first in the
 * service's projection of auth's users, then, for ids it does not know yet (a user created a moment
 * ago, before the event arrived), in auth itself with the caller's token; auth's answer is recorded
 * in the projection. Call it BEFORE opening the verb's transaction: it opens its own short ones and
 * talks to auth, which must never happen inside another transaction.
 */
export function createKnownUsers(options: KnownUsersOptions) {
  const { db, table, directory } = options;
  const checks =
    options.metrics &&
    new Counter({
      name: `vextrus_${options.metrics.service.replaceAll("-", "_")}_user_checks_total`,
      help: "User ids checked before being stored, by what answered: projection, auth or unknown",
      labelNames: ["answer"],
      registers: [options.metrics.registry],
    });

  async function statuses(ctx: CheckContext, ids: readonly string[]): Promise<Map<string, KnownUserStatus>> {
    const rows = await db.tenant(
      ctx.tenantId,
      (tx) =>
        tx
          .select({ userId: table.userId, status: table.status })
          .from(table)
          .where(inArray(table.userId, [...ids])),
      { readOnly: true },
    );
    const known = new Map(rows.map((row) => [row.userId, row.status]));
    checks?.inc({ answer: "projection" }, known.size);
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length === 0 || !directory || !ctx.authorization) {
      checks?.inc({ answer: "unknown" }, missing.length);
      return known;
    }
    const facts: UserFact[] = await directory.lookup(missing, ctx);
    checks?.inc({ answer: "auth" }, facts.length);
    checks?.inc({ answer: "unknown" }, missing.length - facts.length);
    if (facts.length > 0) {
      await db.tenant(ctx.tenantId, (tx) => recordUsers(tx, table, ctx.tenantId, facts));
      ctx.log?.debug("users learnt from auth", { count: facts.length });
    }
    for (const fact of facts) {
      known.set(fact.userId, fact.status);
    }
    return known;
  }

  return {
    /**
     * Throws VALIDATION naming the first field whose user is not of the caller's tenant
     * (`user.unknown`) or is deactivated (`user.deactivated`). Empty ids are skipped.
     */
    async require(ctx: CheckContext, refs: readonly UserRef[]): Promise<void> {
      const named = refs.filter((ref): ref is UserRef & { id: string } => Boolean(ref.id));
      if (named.length === 0) {
        return;
      }
      const known = await statuses(ctx, [...new Set(named.map((ref) => ref.id))]);
      for (const ref of named) {
        const status = known.get(ref.id);
        if (!status) {
          throw unknownUser(ref.field);
        }
        if (status === "deactivated") {
          throw deactivatedUser(ref.field);
        }
      }
    },
  };
}

export type KnownUsers = ReturnType<typeof createKnownUsers>;
