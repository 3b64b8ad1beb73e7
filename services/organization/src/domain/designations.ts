import { Money } from "@vextrus/bd";
import { z } from "zod";
import { designations } from "../db/schema.ts";
import type { OrgContext } from "../deps.ts";
import {
  type ArchiveInput,
  archiveRecord,
  type ByIdInput,
  definedOnly,
  findRecord,
  type ListInput,
  listRecords,
  Name,
  NameBn,
  updateRecord,
} from "./common.ts";
import { publishChanged, publishCreated } from "./events.ts";

const LABEL = { en: "Designation", bn: "পদবি" };
const NOT_FOUND = "organization.designation.not_found";
const TABLE = {
  table: designations,
  id: designations.id,
  name: designations.name,
  archivedAt: designations.archivedAt,
  version: designations.version,
};

export const CreateDesignationInput = z.object({
  name: Name,
  nameBn: NameBn,
  /** Seniority: a higher rank sits higher in the approval hierarchy. */
  rank: z.number().int().min(1).max(1000),
  /** The amount (BDT) its holder may approve alone, e.g. "500000.00". */
  approvalLimit: Money,
});
export const UpdateDesignationInput = CreateDesignationInput.partial().extend({
  id: z.uuid(),
  expectedVersion: z.number().int().min(1).optional(),
});

export type Designation = typeof designations.$inferSelect;

export const createDesignation = ({
  ctx,
  input,
}: {
  ctx: OrgContext;
  input: z.infer<typeof CreateDesignationInput>;
}) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [row] = await tx
      .insert(designations)
      .values({ ...input, tenantId: ctx.tenantId })
      .returning();
    await publishCreated(tx, ctx, "vextrus.organization.designation.created", row as Designation);
    return row as Designation;
  });

export const getDesignation = ({ ctx, input }: { ctx: OrgContext; input: z.infer<typeof ByIdInput> }) =>
  ctx.deps.db.tenant(ctx.tenantId, (tx) => findRecord<Designation>(tx, TABLE, input.id, LABEL, NOT_FOUND), {
    readOnly: true,
  });

export const listDesignations = ({ ctx, input }: { ctx: OrgContext; input: z.infer<typeof ListInput> }) =>
  ctx.deps.db.tenant(ctx.tenantId, (tx) => listRecords<Designation>(tx, TABLE, input, []), {
    readOnly: true,
  });

export const updateDesignation = ({
  ctx,
  input,
}: {
  ctx: OrgContext;
  input: z.infer<typeof UpdateDesignationInput>;
}) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const { id, expectedVersion, ...patch } = input;
    const change = await updateRecord<Designation>(
      tx,
      TABLE,
      { id, expectedVersion },
      definedOnly(patch),
      LABEL,
      NOT_FOUND,
    );
    await publishChanged(tx, ctx, "vextrus.organization.designation.updated", change);
    return change.after;
  });

export const archiveDesignation = ({
  ctx,
  input,
}: {
  ctx: OrgContext;
  input: z.infer<typeof ArchiveInput>;
}) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const change = await archiveRecord<Designation>(tx, TABLE, input, LABEL, NOT_FOUND);
    await publishChanged(tx, ctx, "vextrus.organization.designation.archived", change);
    return change.after;
  });
