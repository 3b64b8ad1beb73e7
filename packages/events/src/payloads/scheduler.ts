import { z } from "zod";
import { Changed, Created, Snapshot, v1 } from "./common.ts";

export const schedulerJobEvents = {
  "vextrus.scheduler.job.created": v1(Created),
  /** Edited, paused, resumed, or a dead run sent back by `scheduler.jobs.retry`. */
  "vextrus.scheduler.job.updated": v1(Changed),
  /** An event-target job fired: `data` is what its creator asked to publish. */
  "vextrus.scheduler.job.fired": v1(
    z.looseObject({ id: z.uuid(), scheduledFor: z.string(), firedAt: z.string(), data: Snapshot.optional() }),
  ),
  /** A run failed its last attempt and is dead-lettered (`scheduler.jobs.retry` sends it back). */
  "vextrus.scheduler.job.run_dead": v1(
    z.looseObject({ id: z.uuid(), runId: z.uuid(), attempt: z.number().int().min(1), error: z.string() }),
  ),
  /** The job was disabled after too many consecutive dead runs. */
  "vextrus.scheduler.job.disabled": v1(
    z.looseObject({ id: z.uuid(), consecutiveFailures: z.number().int().min(1), error: z.string() }),
  ),
} as const;
