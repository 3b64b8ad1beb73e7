import { Money } from "@vextrus/bd";
import { z } from "zod";
import { designations } from "../db/schema.ts";
import { ExpectedVersion, Name, NameBn } from "./common.ts";
import { recordVerbs } from "./record-verbs.ts";

/** An approval limit is an amount someone may approve: zero or more, never negative. */
export const ApprovalLimit = Money.refine((amount) => !amount.startsWith("-"), {
  message: "must not be negative",
  params: { messageBn: "ঋণাত্মক হতে পারবে না" },
});

export const CreateDesignationInput = z.object({
  name: Name,
  nameBn: NameBn,
  /** Seniority: a higher rank sits higher in the approval hierarchy. */
  rank: z.number().int().min(1).max(1000),
  /** The amount (BDT) its holder may approve alone, e.g. "500000.00". */
  approvalLimit: ApprovalLimit,
});
export const UpdateDesignationInput = CreateDesignationInput.partial().extend({
  id: z.uuid(),
  expectedVersion: ExpectedVersion,
});

export type Designation = typeof designations.$inferSelect;

const verbs = recordVerbs<
  Designation,
  z.infer<typeof CreateDesignationInput>,
  z.infer<typeof UpdateDesignationInput>
>({
  entity: "designation",
  label: { en: "Designation", bn: "পদবি" },
  table: {
    table: designations,
    id: designations.id,
    name: designations.name,
    archivedAt: designations.archivedAt,
    version: designations.version,
  },
});

export const createDesignation = verbs.create;
export const getDesignation = verbs.get;
export const listDesignations = verbs.list;
export const updateDesignation = verbs.update;
export const archiveDesignation = verbs.archive;
