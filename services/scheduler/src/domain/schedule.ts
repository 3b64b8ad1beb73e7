import { Cron } from "croner";

/**
 * Cron expressions are evaluated in Asia/Dhaka (UTC+6 all year: Bangladesh has kept no daylight
 * saving since 2009, so no occurrence is skipped or repeated).
 */
export const TIME_ZONE = "Asia/Dhaka";

export type Schedule =
  | { kind: "cron"; cron: string }
  | { kind: "once"; runAt: Date }
  | { kind: "interval"; everySeconds: number };

/** A croner pattern that never fires on its own (we only ask it for dates). */
export const cronOf = (expression: string) => new Cron(expression, { timezone: TIME_ZONE, paused: true });

/** Whether croner accepts the expression; the message when it does not. */
export function cronProblem(expression: string): string | undefined {
  try {
    cronOf(expression).stop();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : "invalid";
  }
}

/** The first occurrence strictly after `after` (null when the schedule has none left). */
export function nextAfter(schedule: Schedule, after: Date, previous?: Date): Date | null {
  switch (schedule.kind) {
    case "cron":
      return cronOf(schedule.cron).nextRun(after);
    case "once":
      return schedule.runAt > after && !previous ? schedule.runAt : null;
    case "interval": {
      const step = schedule.everySeconds * 1000;
      const from = previous ?? after;
      const behind = Math.max(0, Math.floor((after.getTime() - from.getTime()) / step));
      const next = from.getTime() + (behind + 1) * step;
      return new Date(next > after.getTime() ? next : next + step);
    }
  }
}

/** The schedule's first occurrence for a job created at `now`. */
export function firstOccurrence(schedule: Schedule, now: Date): Date | null {
  switch (schedule.kind) {
    case "cron":
      return cronOf(schedule.cron).nextRun(now);
    case "once":
      return schedule.runAt;
    case "interval":
      return new Date(now.getTime() + schedule.everySeconds * 1000);
  }
}

/** How many missed occurrences "all" catches up at most per planning pass. */
export const MAX_CATCH_UP = 1_000;

/**
 * The occurrences from `due` up to `now` that become runs, by the job's catch-up policy, and the
 * next occurrence after `now`. `none` keeps only an occurrence missed by less than `graceMs` (a
 * normal tick), `last` the latest missed one, `all` every one (at most MAX_CATCH_UP).
 */
export function plan(
  schedule: Schedule,
  due: Date,
  now: Date,
  policy: "none" | "last" | "all",
  graceMs: number,
): { occurrences: Date[]; next: Date | null } {
  const missed: Date[] = [];
  let at: Date | null = due;
  while (at && at <= now && missed.length < MAX_CATCH_UP) {
    missed.push(at);
    at = nextAfter(schedule, at, at);
  }
  const next = at && at > now ? at : nextAfter(schedule, now, missed.at(-1));
  const last = missed.at(-1);
  if (!last) {
    return { occurrences: [], next };
  }
  if (policy === "all") {
    return { occurrences: missed, next };
  }
  if (policy === "last") {
    return { occurrences: [last], next };
  }
  return { occurrences: now.getTime() - last.getTime() <= graceMs ? [last] : [], next };
}
