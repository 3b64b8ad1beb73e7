/**
 * What the audit procedures answer, as zod schemas: the routers declare them with `.output(…)`, so the
 * OpenAPI document describes every result.
 */
import { PageSchema } from "@vextrus/platform";
import { z } from "zod";

export const AuditEntryResult = z.object({
  seq: z.number().int().describe("1, 2, 3… per tenant, without gaps"),
  eventId: z.uuid(),
  type: z.string().describe("the CloudEvent type, e.g. vextrus.organization.department.updated"),
  entity: z.string().describe("the entity type, e.g. organization.department"),
  subjectId: z.string(),
  actorId: z.string().nullable(),
  source: z.string(),
  time: z.date(),
  recordedAt: z.date(),
  data: z.unknown().optional().describe("the event's payload, as the event carried it"),
  diff: z
    .array(z.object({ field: z.string(), from: z.unknown().optional(), to: z.unknown().optional() }))
    .nullable()
    .describe("the fields that changed, when the event carries before and after"),
  prevHash: z.string(),
  hash: z.string().describe("SHA-256 (hex) of prevHash followed by the canonical JSON of the event"),
});
export const AuditEntryPage = PageSchema(AuditEntryResult);

export const VerifyResult = z.object({
  ok: z.boolean(),
  checked: z.number().int().describe("entries whose hash was recomputed"),
  firstBrokenSeq: z.number().int().optional().describe("the first entry missing, altered or out of place"),
  reason: z.string().optional(),
});
