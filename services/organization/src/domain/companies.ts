import { Bin, Etin } from "@vextrus/bd";
import { invalidField } from "@vextrus/platform";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { companies } from "../db/schema.ts";
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
import { wouldCycle } from "./hierarchy.ts";

const LABEL = { en: "Company", bn: "কোম্পানি" };
const NOT_FOUND = "organization.company.not_found";
const TABLE = {
  table: companies,
  id: companies.id,
  name: companies.name,
  archivedAt: companies.archivedAt,
  version: companies.version,
};

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
  expectedVersion: z.number().int().min(1).optional(),
});
export const ListCompaniesInput = ListInput.extend({ parentId: z.uuid().optional() });

export type Company = typeof companies.$inferSelect;

export const createCompany = ({
  ctx,
  input,
}: {
  ctx: OrgContext;
  input: z.infer<typeof CreateCompanyInput>;
}) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [row] = await tx
      .insert(companies)
      .values({ ...input, tenantId: ctx.tenantId })
      .returning();
    await publishCreated(tx, ctx, "vextrus.organization.company.created", row as Company);
    return row as Company;
  });

export const getCompany = ({ ctx, input }: { ctx: OrgContext; input: z.infer<typeof ByIdInput> }) =>
  ctx.deps.db.tenant(ctx.tenantId, (tx) => findRecord<Company>(tx, TABLE, input.id, LABEL, NOT_FOUND), {
    readOnly: true,
  });

export const listCompanies = ({
  ctx,
  input,
}: {
  ctx: OrgContext;
  input: z.infer<typeof ListCompaniesInput>;
}) =>
  ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) =>
      listRecords<Company>(tx, TABLE, input, [
        input.parentId ? eq(companies.parentId, input.parentId) : undefined,
      ]),
    { readOnly: true },
  );

export const updateCompany = ({
  ctx,
  input,
}: {
  ctx: OrgContext;
  input: z.infer<typeof UpdateCompanyInput>;
}) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const { id, expectedVersion, ...patch } = input;
    if (
      patch.parentId &&
      (await wouldCycle(
        tx,
        { table: companies, key: companies.id, parent: companies.parentId },
        id,
        patch.parentId,
      ))
    ) {
      throw invalidField("parentId", "organization.company.cycle", {
        en: "A company cannot sit below itself",
        bn: "কোনো কোম্পানি নিজের অধীনে থাকতে পারে না",
      });
    }
    const change = await updateRecord<Company>(
      tx,
      TABLE,
      { id, expectedVersion },
      definedOnly(patch),
      LABEL,
      NOT_FOUND,
    );
    await publishChanged(tx, ctx, "vextrus.organization.company.updated", change);
    return change.after;
  });

export const archiveCompany = ({ ctx, input }: { ctx: OrgContext; input: z.infer<typeof ArchiveInput> }) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const change = await archiveRecord<Company>(tx, TABLE, input, LABEL, NOT_FOUND);
    await publishChanged(tx, ctx, "vextrus.organization.company.archived", change);
    return change.after;
  });
