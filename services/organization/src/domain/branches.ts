import { Postcode } from "@vextrus/bd";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { branches } from "../db/schema.ts";
import type { OrgContext } from "../deps.ts";
import { ExpectedVersion, ListInput, Name, NameBn } from "./common.ts";
import { recordVerbs } from "./record-verbs.ts";

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
  .extend({ id: z.uuid(), expectedVersion: ExpectedVersion });
export const ListBranchesInput = ListInput.extend({ companyId: z.uuid().optional() });

export type Branch = typeof branches.$inferSelect;

const verbs = recordVerbs<Branch, z.infer<typeof CreateBranchInput>, z.infer<typeof UpdateBranchInput>>({
  entity: "branch",
  label: { en: "Branch", bn: "শাখা" },
  table: {
    table: branches,
    id: branches.id,
    name: branches.name,
    archivedAt: branches.archivedAt,
    version: branches.version,
  },
});

export const createBranch = verbs.create;
export const getBranch = verbs.get;
export const updateBranch = verbs.update;
export const archiveBranch = verbs.archive;
export const listBranches = ({ ctx, input }: { ctx: OrgContext; input: z.infer<typeof ListBranchesInput> }) =>
  verbs.list({ ctx, input }, [input.companyId ? eq(branches.companyId, input.companyId) : undefined]);
