import { pruneSentOutbox } from "@vextrus/events";
import { outbox } from "../db/schema.ts";
import type { AuthContext } from "../deps.ts";
import { pruneLoginAttempts } from "./login.ts";

const DAY_MS = 86_400_000;

/** Deletes this service's published outbox rows past retention (a scheduler platform job, every 10 minutes). */
export const pruneOutbox = ({ ctx }: { ctx: AuthContext }) =>
  pruneSentOutbox(ctx.deps.db, outbox, ctx.deps.clock.now());

/**
 * Deletes sign-in attempts (and closed refusal windows) older than LOGIN_ATTEMPT_RETENTION_DAYS, across
 * every tenant (a scheduler platform job, hourly).
 */
export async function pruneSignInAttempts({ ctx }: { ctx: AuthContext }) {
  const days = ctx.deps.settings.loginAttemptRetentionDays ?? 90;
  const removed = await pruneLoginAttempts(
    ctx.deps.db,
    new Date(ctx.deps.clock.now().getTime() - days * DAY_MS),
  );
  if (removed > 0) {
    ctx.log.info("old sign-in attempts pruned", { removed });
  }
  return { removed };
}
