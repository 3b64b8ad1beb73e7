import { z } from "zod";
import { v1 } from "./common.ts";

const Job = { id: z.uuid(), kind: z.enum(["import", "export"]), entity: z.string().min(1) };

export const importExportJobEvents = {
  "vextrus.import_export.job.started": v1(z.looseObject(Job)),
  "vextrus.import_export.job.completed": v1(
    z.looseObject({ ...Job, rows: z.number().int().min(0), rejected: z.number().int().min(0) }),
  ),
  "vextrus.import_export.job.failed": v1(z.looseObject({ ...Job, error: z.string().max(1000) })),
} as const;
