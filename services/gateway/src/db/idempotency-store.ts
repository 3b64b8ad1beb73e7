/** The answers kept for Idempotency-Key retries: one row per (caller, key) in `gateway.idempotency_keys`. */
import type { Database } from "@vextrus/platform/db";
import { and, eq, isNull, lt } from "drizzle-orm";
import { idempotencyKeys } from "./schema.ts";

/** How long an answer is kept for retries. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

type Begun =
  | { kind: "new" }
  | { kind: "replay"; status: number; headers: Record<string, string>; body: string }
  | { kind: "busy" }
  | { kind: "mismatch" };

export function idempotencyStore(db: Database, now: () => Date = () => new Date()) {
  return {
    async begin(scope: string, key: string, fingerprint: string): Promise<Begun> {
      return db.privileged(async (tx) => {
        const expired = new Date(now().getTime() - IDEMPOTENCY_TTL_MS);
        await tx
          .delete(idempotencyKeys)
          .where(
            and(
              eq(idempotencyKeys.scope, scope),
              eq(idempotencyKeys.key, key),
              lt(idempotencyKeys.createdAt, expired),
            ),
          );
        const inserted = await tx
          .insert(idempotencyKeys)
          .values({ scope, key, fingerprint, createdAt: now() })
          .onConflictDoNothing()
          .returning({ key: idempotencyKeys.key });
        if (inserted.length > 0) {
          return { kind: "new" } as const;
        }
        const [row] = await tx
          .select()
          .from(idempotencyKeys)
          .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
        if (!row || row.fingerprint !== fingerprint) {
          return { kind: "mismatch" } as const;
        }
        if (row.status === null) {
          return { kind: "busy" } as const;
        }
        return {
          kind: "replay",
          status: row.status,
          headers: row.headers ?? {},
          body: row.body ?? "",
        } as const;
      });
    },
    async finish(scope: string, key: string, status: number, headers: Record<string, string>, body: string) {
      await db.privileged((tx) =>
        tx
          .update(idempotencyKeys)
          .set({ status, headers, body, completedAt: now() })
          .where(
            and(
              eq(idempotencyKeys.scope, scope),
              eq(idempotencyKeys.key, key),
              isNull(idempotencyKeys.status),
            ),
          ),
      );
    },
    /** The first attempt failed without an answer worth keeping (5xx): a retry runs again. */
    async abandon(scope: string, key: string) {
      await db.privileged((tx) =>
        tx
          .delete(idempotencyKeys)
          .where(
            and(
              eq(idempotencyKeys.scope, scope),
              eq(idempotencyKeys.key, key),
              isNull(idempotencyKeys.status),
            ),
          ),
      );
    },
  };
}

export type IdempotencyStore = ReturnType<typeof idempotencyStore>;
