import { Postcode } from "@vextrus/bd";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { branches } from "../db/schema.ts";
import type { OrgContext } from "../deps.ts";
import {
  type ArchiveInput,
  archiveRecord,
  type ByIdInput,
  definedOnly,
  findRecord,
  ListInput,
  listRecords,
  Name,
  NameBn,
  updateRecord,
} from "./common.ts";
import { publishChanged, publishCreated } from "./events.ts";

const LABEL = { en: "Branch", bn: "শাখা" };
const NOT_FOUND = "organization.branch.not_found";
const TABLE = {
  table: branches,
  id: branches.id,
  name: branches.name,
  archivedAt: branches.archivedAt,
  version: branches.version,
};

export const CreateBranchInput = z.object({
  companyId: z.uuid(),
  name: Name,
  nameBn: NameBn,
  address: z.string().trim().min(1).max(500).optional(),
  district: z.string().trim().min(1).max(100).optional(),
  postcode: Postcode.optional(),
});
export const UpdateBranchInput = CreateBranchInput.omit({ companyId: true })
  .partial()
  .extend({ id: z.uuid(), expectedVersion: z.number().int().min(1).optional() });
export const ListBranchesInput = ListInput.extend({ companyId: z.uuid().optional() });

export type Branch = typeof branches.$inferSelect;

export const createBranch = ({ ctx, input }: { ctx: OrgContext; input: z.infer<typeof CreateBranchInput> }) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [row] = await tx
      .insert(branches)
      .values({ ...input, tenantId: ctx.tenantId })
      .returning();
    await publishCreated(tx, ctx, "vextrus.organization.branch.created", row as Branch);
    return row as Branch;
  });

export const getBranch = ({ ctx, input }: { ctx: OrgContext; input: z.infer<typeof ByIdInput> }) =>
  ctx.deps.db.tenant(ctx.tenantId, (tx) => findRecord<Branch>(tx, TABLE, input.id, LABEL, NOT_FOUND), {
    readOnly: true,
  });

export const listBranches = ({ ctx, input }: { ctx: OrgContext; input: z.infer<typeof ListBranchesInput> }) =>
  ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) =>
      listRecords<Branch>(tx, TABLE, input, [
        input.companyId ? eq(branches.companyId, input.companyId) : undefined,
      ]),
    { readOnly: true },
  );

export const updateBranch = ({ ctx, input }: { ctx: OrgContext; input: z.infer<typeof UpdateBranchInput> }) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const { id, expectedVersion, ...patch } = input;
    const change = await updateRecord<Branch>(
      tx,
      TABLE,
      { id, expectedVersion },
      definedOnly(patch),
      LABEL,
      NOT_FOUND,
    );
    await publishChanged(tx, ctx, "vextrus.organization.branch.updated", change);
    return change.after;
  });

export const archiveBranch = ({ ctx, input }: { ctx: OrgContext; input: z.infer<typeof ArchiveInput> }) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const change = await archiveRecord<Branch>(tx, TABLE, input, LABEL, NOT_FOUND);
    await publishChanged(tx, ctx, "vextrus.organization.branch.archived", change);
    return change.after;
  });
