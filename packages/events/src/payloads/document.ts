import { z } from "zod";
import { Changed, Created, v1 } from "./common.ts";

export const documentTemplateEvents = {
  "vextrus.document.template.created": v1(Created),
  "vextrus.document.template.updated": v1(Changed),
} as const;

export const documentRenderEvents = {
  "vextrus.document.render.completed": v1(
    z.looseObject({
      id: z.uuid(),
      templateId: z.uuid(),
      fileId: z.uuid(),
      format: z.enum(["pdf", "docx", "xlsx"]),
    }),
  ),
  "vextrus.document.render.failed": v1(
    z.looseObject({ id: z.uuid(), templateId: z.uuid(), error: z.string().max(1000) }),
  ),
} as const;
