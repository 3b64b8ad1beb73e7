import { toLatinDigits } from "@vextrus/bd";
import type { Tx } from "@vextrus/platform/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { items } from "../../db/schema.ts";
import type { MdContext } from "../../deps.ts";
import { Code, ExpectedVersion, ListInput, Name, NameBn, NonNegativeMoney } from "../common.ts";
import { recordVerbs } from "../records.ts";
import { decimalSchema } from "../units/decimal.ts";
import { unitFor } from "../units/verbs.ts";
import { activeGroup } from "./groups.ts";

/** VAT rates of the VAT and SD Act 2012: standard 15%, reduced 5 / 7.5 / 10%, and 0 (exempt, exports). */
export const VatRate = z.union([z.literal(15), z.literal(10), z.literal(7.5), z.literal(5), z.literal(0)]);
/** Supplementary duty in percent: 0–500 with at most two decimals, an exact decimal string. */
export const SdRate = decimalSchema(2, false).refine((rate) => Number(rate) <= 500, {
  message: "At most 500 percent",
  params: { messageBn: "সর্বোচ্চ ৫০০ শতাংশ" },
});
/** Bangladesh's 8-digit H.S. code; dots, spaces and Bengali digits accepted (`2523.29.00`). */
export const HsCode = z
  .string()
  .max(20)
  .transform((code) => toLatinDigits(code).replace(/[\s.-]/g, ""))
  .refine((code) => /^\d{8}$/.test(code), {
    message: "An H.S. code has 8 digits",
    params: { messageBn: "এইচ.এস. কোড ৮ অঙ্কের হতে হবে" },
  });

const fields = {
  code: Code,
  kind: z.enum(["material", "service", "equipment"]),
  name: Name,
  nameBn: NameBn,
  groupId: z.uuid(),
  hsCode: HsCode,
  vatRate: VatRate,
  sdRate: SdRate,
  baseUnitId: z.uuid(),
  purchaseUnitId: z.uuid(),
  salesUnitId: z.uuid(),
  standardRate: NonNegativeMoney,
  specification: z.string().trim().min(1).max(4000),
};

export const CreateItemInput = z.object({
  ...fields,
  kind: fields.kind.default("material"),
  nameBn: fields.nameBn.optional(),
  groupId: fields.groupId.optional(),
  hsCode: fields.hsCode.optional(),
  vatRate: fields.vatRate.default(15),
  sdRate: fields.sdRate.default("0"),
  purchaseUnitId: fields.purchaseUnitId.optional(),
  salesUnitId: fields.salesUnitId.optional(),
  standardRate: fields.standardRate.optional(),
  specification: fields.specification.optional(),
});
/** The base unit is fixed once the item exists (quantities were recorded in it). */
export const UpdateItemInput = z.object({
  id: z.uuid(),
  expectedVersion: ExpectedVersion,
  code: fields.code.optional(),
  kind: fields.kind.optional(),
  name: fields.name.optional(),
  nameBn: fields.nameBn.nullable().optional(),
  groupId: fields.groupId.nullable().optional(),
  hsCode: fields.hsCode.nullable().optional(),
  vatRate: fields.vatRate.optional(),
  sdRate: fields.sdRate.optional(),
  purchaseUnitId: fields.purchaseUnitId.nullable().optional(),
  salesUnitId: fields.salesUnitId.nullable().optional(),
  standardRate: fields.standardRate.nullable().optional(),
  specification: fields.specification.nullable().optional(),
});
export const ListItemsInput = ListInput.extend({
  kind: fields.kind.optional(),
  groupId: z.uuid().optional(),
  includeArchived: z.boolean().default(false),
});

export type Item = typeof items.$inferSelect;
const ITEM = { key: "item", event: "item", label: { en: "Item", bn: "পণ্য" } } as const;

/** Group active; purchase and sales units active and of the base unit's category. */
async function checkReferences(
  tx: Tx,
  input: { groupId?: string | null; purchaseUnitId?: string | null; salesUnitId?: string | null },
  baseUnitId: string,
) {
  if (input.groupId) {
    await activeGroup(tx, input.groupId, "groupId");
  }
  const base = await unitFor(tx, baseUnitId, "baseUnitId");
  for (const field of ["purchaseUnitId", "salesUnitId"] as const) {
    const id = input[field];
    if (id) {
      await unitFor(tx, id, field, base.category);
    }
  }
}

const verbs = recordVerbs<Item, z.infer<typeof CreateItemInput>, z.infer<typeof UpdateItemInput>>({
  entity: ITEM,
  table: {
    table: items,
    id: items.id,
    version: items.version,
    names: [items.name, items.nameBn],
    archivedAt: items.archivedAt,
  },
  unique: { items_tenant_id_code_key: "code" },
  beforeCreate: (tx, input) => checkReferences(tx, input, input.baseUnitId),
  async beforeUpdate(tx, input) {
    const current = await verbs.find(tx, input.id);
    await checkReferences(tx, input, current.baseUnitId);
  },
});

export const createItem = verbs.create;
export const getItem = verbs.get;
export const updateItem = verbs.update;
export const archiveItem = verbs.archive;
export const restoreItem = verbs.restore;
export const listItems = ({ ctx, input }: { ctx: MdContext; input: z.infer<typeof ListItemsInput> }) =>
  verbs.list({ ctx, input }, [
    input.kind ? eq(items.kind, input.kind) : undefined,
    input.groupId ? eq(items.groupId, input.groupId) : undefined,
  ]);
