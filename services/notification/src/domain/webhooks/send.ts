/**
 * One delivery attempt: POST the event's JSON to the subscriber, signed, with a timeout, never following
 * redirects (a redirect could point inside our network), and the target checked again first. Whatever
 * happens is an outcome (status code, or the error), never a throw: the caller records it in the
 * delivery log and schedules the next attempt.
 */
import { sign } from "./signing.ts";
import { checkTarget } from "./target.ts";

export interface Attempt {
  url: string;
  secret: string;
  /** The message id: the same on every attempt of one delivery. */
  messageId: string;
  body: string;
  at: Date;
  timeoutMs: number;
  allowPrivate: boolean;
}

export interface Outcome {
  ok: boolean;
  /** The HTTP status, when the subscriber answered. */
  status: number | null;
  /** Why it failed, when it did (at most 500 characters). */
  error: string | null;
  durationMs: number;
}

export async function sendWebhook(attempt: Attempt): Promise<Outcome> {
  const started = performance.now();
  const done = (status: number | null, error: string | null): Outcome => ({
    ok: status !== null && status >= 200 && status < 300,
    status,
    error: error?.slice(0, 500) ?? null,
    durationMs: Math.round(performance.now() - started),
  });
  try {
    await checkTarget(attempt.url, { allowPrivate: attempt.allowPrivate });
    const response = await fetch(attempt.url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(attempt.timeoutMs),
      headers: {
        "content-type": "application/json",
        "user-agent": "Vextrus-Webhooks/1",
        ...sign(attempt.secret, attempt.messageId, attempt.at, attempt.body),
      },
      body: attempt.body,
    });
    await response.body?.cancel();
    return done(response.status, response.ok ? null : `answered ${response.status}`);
  } catch (error) {
    return done(null, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
}

/** Waits after the 1st, 2nd, … failed attempt (Standard Webhooks' usual schedule); retries stop 24 h after the first. */
export const RETRY_DELAYS_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
export const RETRY_WINDOW_MS = 24 * 3_600_000;

/** When to try again after `failures` failed attempts of a delivery first tried at `firstAt`; null: give up. */
export function nextAttemptAt(firstAt: Date, failures: number, now: Date): Date | null {
  const delay = RETRY_DELAYS_MS[Math.min(failures, RETRY_DELAYS_MS.length) - 1];
  if (delay === undefined || failures < 1) {
    return null;
  }
  const next = new Date(now.getTime() + delay);
  return next.getTime() - firstAt.getTime() > RETRY_WINDOW_MS ? null : next;
}

/**
 * Whether an event type matches a subscription's pattern: an exact type
 * (`vextrus.workflow.task.approved`), a prefix ending in `.*` (`vextrus.workflow.*`), or `*`.
 */
export function matches(pattern: string, type: string): boolean {
  if (pattern === "*") {
    return true;
  }
  return pattern.endsWith(".*") ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}
