import { z } from "zod";
import { Changed, Created, v1 } from "./common.ts";

export const schedulerJobEvents = {
  "vextrus.scheduler.job.created": v1(Created),
  "vextrus.scheduler.job.updated": v1(Changed),
  "vextrus.scheduler.job.fired": v1(
    z.looseObject({ id: z.uuid(), scheduledFor: z.string(), firedAt: z.string() }),
  ),
} as const;
