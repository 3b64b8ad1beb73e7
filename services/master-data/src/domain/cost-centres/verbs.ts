import { AppError, invalidField } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { costCentres } from "../../db/schema.ts";
import type { MdContext } from "../../deps.ts";
import { Code, ExpectedVersion, ListInput, Name, NameBn, recordTermsOf } from "../common.ts";
import { recordVerbs } from "../records.ts";
import { assertNoCycle } from "../tree.ts";

export const CreateCostCentreInput = z.object({
  companyId: z.uuid(),
  code: Code,
  name: Name,
  nameBn: NameBn.optional(),
  parentId: z.uuid().optional(),
});
/** The company never changes. */
export const UpdateCostCentreInput = z.object({
  id: z.uuid(),
  expectedVersion: ExpectedVersion,
  code: Code.optional(),
  name: Name.optional(),
  nameBn: NameBn.nullable().optional(),
  parentId: z.uuid().nullable().optional(),
});
export const ListCostCentresInput = ListInput.extend({
  companyId: z.uuid().optional(),
  parentId: z.uuid().optional(),
  includeArchived: z.boolean().default(false),
});

export type CostCentre = typeof costCentres.$inferSelect;
const COST_CENTRE = {
  key: "cost_centre",
  event: "cost_centre",
  label: { en: "Cost centre", bn: "খরচ কেন্দ্র" },
} as const;
const LINK = { table: costCentres, id: costCentres.id, parent: costCentres.parentId };

/** The parent must be an active cost centre of the same company. */
async function checkParent(tx: Tx, parentId: string, companyId: string) {
  const [parent] = await tx.select().from(costCentres).where(eq(costCentres.id, parentId)).limit(1);
  if (!parent || parent.archivedAt || parent.companyId !== companyId) {
    throw invalidField("parentId", "master_data.cost_centre.parent", {
      en: "No such cost centre in this company (or it is archived)",
      bn: "এই কোম্পানিতে এমন কোনো খরচ কেন্দ্র নেই (অথবা আর্কাইভ করা)",
    });
  }
}

const verbs = recordVerbs<
  CostCentre,
  z.infer<typeof CreateCostCentreInput>,
  z.infer<typeof UpdateCostCentreInput>
>({
  entity: COST_CENTRE,
  table: {
    table: costCentres,
    id: costCentres.id,
    version: costCentres.version,
    terms: recordTermsOf("cost_centres"),
    archivedAt: costCentres.archivedAt,
  },
  unique: { cost_centres_tenant_id_company_id_code_key: "code" },
  async beforeCreate(tx, input) {
    if (input.parentId) {
      await checkParent(tx, input.parentId, input.companyId);
    }
  },
  async beforeUpdate(tx, input) {
    if (input.parentId) {
      const current = await verbs.find(tx, input.id);
      await checkParent(tx, input.parentId, current.companyId);
      await assertNoCycle(tx, LINK, COST_CENTRE, input.id, input.parentId);
    }
  },
  async beforeArchive(tx, id) {
    const [child] = await tx
      .select({ id: costCentres.id })
      .from(costCentres)
      .where(and(eq(costCentres.parentId, id), isNull(costCentres.archivedAt)))
      .limit(1);
    if (child) {
      throw new AppError("PRECONDITION_FAILED", "master_data.cost_centre.in_use", {
        en: "Archive or move this cost centre's children first",
        bn: "প্রথমে এই খরচ কেন্দ্রের অধীনস্থগুলো আর্কাইভ করুন বা সরান",
      });
    }
  },
});

export const createCostCentre = verbs.create;
export const getCostCentre = verbs.get;
export const updateCostCentre = verbs.update;
export const archiveCostCentre = verbs.archive;
export const restoreCostCentre = verbs.restore;
export const listCostCentres = ({
  ctx,
  input,
}: {
  ctx: MdContext;
  input: z.infer<typeof ListCostCentresInput>;
}) =>
  verbs.list({ ctx, input }, [
    input.companyId ? eq(costCentres.companyId, input.companyId) : undefined,
    input.parentId ? eq(costCentres.parentId, input.parentId) : undefined,
  ]);
