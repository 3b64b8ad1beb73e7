import { Bin, Etin } from "@vextrus/bd";
import { invalidField } from "@vextrus/platform";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { companies } from "../db/schema.ts";
import type { OrgContext } from "../deps.ts";
import { ExpectedVersion, ListInput, Name, NameBn } from "./common.ts";
import { wouldCycle } from "./hierarchy.ts";
import { recordVerbs } from "./record-verbs.ts";

export const CreateCompanyInput = z.object({
  name: Name,
  nameBn: NameBn,
  parentId: z.uuid().optional(),
  tradeLicenceNo: z.string().trim().min(1).max(50).optional(),
  bin: Bin.optional(),
  etin: Etin.optional(),
});
export const UpdateCompanyInput = CreateCompanyInput.partial().extend({
  id: z.uuid(),
  expectedVersion: ExpectedVersion,
});
export const ListCompaniesInput = ListInput.extend({ parentId: z.uuid().optional() });

export type Company = typeof companies.$inferSelect;

const LINK = { table: companies, key: companies.id, parent: companies.parentId };
const CYCLE = { en: "A company cannot sit below itself", bn: "কোনো কোম্পানি নিজের অধীনে থাকতে পারে না" };

const verbs = recordVerbs<Company, z.infer<typeof CreateCompanyInput>, z.infer<typeof UpdateCompanyInput>>({
  entity: "company",
  label: { en: "Company", bn: "কোম্পানি" },
  table: {
    table: companies,
    id: companies.id,
    name: companies.name,
    archivedAt: companies.archivedAt,
    version: companies.version,
  },
  async beforeUpdate(tx, input) {
    if (input.parentId && (await wouldCycle(tx, LINK, input.id, input.parentId))) {
      throw invalidField("parentId", "organization.company.cycle", CYCLE);
    }
  },
});

export const createCompany = verbs.create;
export const getCompany = verbs.get;
export const updateCompany = verbs.update;
export const archiveCompany = verbs.archive;
export const listCompanies = ({
  ctx,
  input,
}: {
  ctx: OrgContext;
  input: z.infer<typeof ListCompaniesInput>;
}) => verbs.list({ ctx, input }, [input.parentId ? eq(companies.parentId, input.parentId) : undefined]);
