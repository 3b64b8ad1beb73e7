import {
  MAX_SD_RATE,
  maxSdRate,
  toLatinDigits,
  VAT_CATEGORIES,
  VAT_RATES,
  type VatCategory,
  vatRates,
} from "@vextrus/bd";
import { invalidField } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { items } from "../../db/schema.ts";
import type { MdContext } from "../../deps.ts";
import {
  Code,
  ExpectedVersion,
  ListInput,
  Name,
  NameBn,
  NonNegativeMoney,
  recordTermsOf,
} from "../common.ts";
import { recordVerbs } from "../records.ts";
import { decimalSchema } from "../units/decimal.ts";
import { unitFor } from "../units/verbs.ts";
import { activeGroup } from "./groups.ts";

/**
 * The item's default VAT category, one of @vextrus/bd's (standard, the Third Schedule's reduced
 * 10 / 7.5 / 5%, zero-rated, exempt): zero-rated and exempt both have rate 0, but only a zero-rated
 * supply keeps its input tax credit, so the category is stored and the rate read from it.
 */
export const VatCategoryField = z.enum(VAT_CATEGORIES);
/** Each category's name in English and Bengali (messages, forms). */
export const VAT_CATEGORY_LABELS: Readonly<Record<VatCategory, { en: string; bn: string }>> = {
  standard: { en: "standard", bn: "আদর্শ হার" },
  reduced_10: { en: "reduced 10%", bn: "হ্রাসকৃত ১০%" },
  reduced_7_5: { en: "reduced 7.5%", bn: "হ্রাসকৃত ৭.৫%" },
  reduced_5: { en: "reduced 5%", bn: "হ্রাসকৃত ৫%" },
  zero_rated: { en: "zero-rated", bn: "শূন্য হারবিশিষ্ট" },
  exempt: { en: "exempt", bn: "অব্যাহতিপ্রাপ্ত" },
};
/**
 * The item's default VAT rate: one of the rates of @vextrus/bd's effective-dated VAT tables; on create
 * or update it is the rate of the item's category in the table in force on the server's date (`vatOf`).
 */
export const VatRate = z.union(VAT_RATES.map((rate) => z.literal(rate)));
/** Supplementary duty in percent, two decimals at most, exact; at most @vextrus/bd's highest SD rate. */
export const SdRate = decimalSchema(2, false).refine((rate) => Number(rate) <= MAX_SD_RATE, {
  message: `At most ${MAX_SD_RATE} percent`,
  params: { messageBn: `সর্বোচ্চ ${MAX_SD_RATE} শতাংশ` },
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

/** Each field's column title in English and Bengali and an example (import templates read them). */
const col = (title: string, titleBn: string, example: unknown) => ({ title, titleBn, example });

const fields = {
  code: Code.meta(col("Item code", "পণ্যের কোড", "CEM-OPC-50")),
  kind: z.enum(["material", "service", "equipment"]).meta(col("Kind", "ধরন", "material")),
  name: Name.meta(col("Name", "নাম", "OPC cement 50 kg")),
  nameBn: NameBn.meta(col("Name in Bengali", "বাংলায় নাম", "ওপিসি সিমেন্ট ৫০ কেজি")),
  /** Written in a spreadsheet by the group's code (or id). */
  groupId: z.uuid().meta(col("Group (code)", "গ্রুপ (কোড)", "CEMENT")),
  hsCode: HsCode.meta(col("H.S. code", "এইচ.এস. কোড", "2523.29.00")),
  vatCategory: VatCategoryField.meta(col("VAT category", "ভ্যাট শ্রেণি", "standard")),
  vatRate: VatRate.meta(col("VAT rate (%)", "ভ্যাট হার (%)", "15")),
  sdRate: SdRate.meta(col("SD rate (%)", "সম্পূরক শুল্ক হার (%)", "0")),
  /** Units are written in a spreadsheet by code (or id). */
  baseUnitId: z.uuid().meta(col("Base unit (code)", "মূল একক (কোড)", "bag")),
  purchaseUnitId: z.uuid().meta(col("Purchase unit (code)", "ক্রয়ের একক (কোড)", "bag")),
  salesUnitId: z.uuid().meta(col("Sales unit (code)", "বিক্রয়ের একক (কোড)", "bag")),
  standardRate: NonNegativeMoney.meta({
    ...col("Standard rate (BDT)", "প্রমিত দর (টাকা)", "560.00"),
    format: "money",
  }),
  specification: z
    .string()
    .trim()
    .min(1)
    .max(4000)
    .meta(col("Specification", "বিবরণ", "BDS EN 197-1, CEM I 52.5N")),
};

export const CreateItemInput = z.object({
  ...fields,
  kind: fields.kind.default("material"),
  nameBn: fields.nameBn.optional(),
  groupId: fields.groupId.optional(),
  hsCode: fields.hsCode.optional(),
  /** Neither given: standard. Only a rate: its category (0 read as exempt). Both: they must agree. */
  vatCategory: fields.vatCategory.optional(),
  vatRate: fields.vatRate.optional(),
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
  vatCategory: fields.vatCategory.optional(),
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
  vatCategory: fields.vatCategory.optional(),
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

const inForce = <T>(read: () => T): T | undefined => {
  try {
    return read();
  } catch {
    return undefined;
  }
};

export type VatOf =
  | { ok: true; vat?: { vatCategory: VatCategory; vatRate: number } }
  | { ok: false; field: "vatCategory" | "vatRate"; code: string; en: string; bn: string };

/**
 * An item's VAT category and rate on `now` (@vextrus/bd's table in force): the category given, with its
 * rate (a rate given beside it must be that rate); or, given only a rate, the record's category if it
 * has that rate, else the rate's category — 0 read as exempt, never as zero-rated, so no input credit is
 * claimed on a rate alone (as migration 0021 backfills); neither given: standard on create, no change
 * on update. A day before any table, or a rate no category has, is the field's error.
 */
export function vatOf(
  input: { vatCategory?: VatCategory; vatRate?: number },
  now: Date,
  current?: { vatCategory: VatCategory },
): VatOf {
  if (input.vatCategory === undefined && input.vatRate === undefined && current) {
    return { ok: true };
  }
  const field = input.vatRate === undefined ? "vatCategory" : "vatRate";
  const rates = inForce(() => vatRates(now));
  if (!rates) {
    return {
      ok: false,
      field,
      code: "master_data.item.vat_rate",
      en: "No VAT table is in force on this date",
      bn: "এই তারিখে কোনো ভ্যাট হার-তালিকা কার্যকর নয়",
    };
  }
  const rate = input.vatRate;
  if (input.vatCategory !== undefined || rate === undefined) {
    const category = input.vatCategory ?? "standard";
    const expected = rates[category];
    if (rate !== undefined && rate !== expected) {
      const label = VAT_CATEGORY_LABELS[category];
      return {
        ok: false,
        field: "vatRate",
        code: "master_data.item.vat_rate_category",
        en: `${rate}% is not the ${label.en} VAT rate on this date (${expected}%)`,
        bn: `${rate}% এই তারিখে ${label.bn} ভ্যাট হার নয় (${expected}%)`,
      };
    }
    return { ok: true, vat: { vatCategory: category, vatRate: expected } };
  }
  const kept = current && rates[current.vatCategory] === rate ? current.vatCategory : undefined;
  const category = kept ?? (rate === 0 ? "exempt" : VAT_CATEGORIES.find((c) => rates[c] === rate));
  if (category === undefined) {
    return {
      ok: false,
      field: "vatRate",
      code: "master_data.item.vat_rate",
      en: `${rate}% is not a VAT rate in force on this date`,
      bn: `${rate}% এই তারিখে কার্যকর কোনো ভ্যাট হার নয়`,
    };
  }
  return { ok: true, vat: { vatCategory: category, vatRate: rate } };
}

/**
 * The VAT category and rate (`vatOf`) and the SD rate against @vextrus/bd's table in force on the
 * server's date (a day before any table, or a rate that table does not give, is the field's 400):
 * the VAT columns to write.
 */
function ratesInForce(
  input: { vatCategory?: VatCategory; vatRate?: number; sdRate?: string },
  now: Date,
  current?: { vatCategory: VatCategory },
) {
  const vat = vatOf(input, now, current);
  if (!vat.ok) {
    throw invalidField(vat.field, vat.code, { en: vat.en, bn: vat.bn });
  }
  const sdMax = inForce(() => maxSdRate(now));
  if (input.sdRate !== undefined && (sdMax === undefined || Number(input.sdRate) > sdMax)) {
    throw invalidField("sdRate", "master_data.item.sd_rate", {
      en: `Supplementary duty is at most ${sdMax ?? 0} percent on this date`,
      bn: `এই তারিখে সম্পূরক শুল্ক সর্বোচ্চ ${sdMax ?? 0} শতাংশ`,
    });
  }
  return vat.vat;
}

const verbs = recordVerbs<Item, z.infer<typeof CreateItemInput>, z.infer<typeof UpdateItemInput>>({
  entity: ITEM,
  table: {
    table: items,
    id: items.id,
    version: items.version,
    terms: recordTermsOf("items"),
    archivedAt: items.archivedAt,
  },
  unique: { items_tenant_id_code_key: "code" },
  async beforeCreate(tx, input, now) {
    const vat = ratesInForce(input, now);
    await checkReferences(tx, input, input.baseUnitId);
    return vat;
  },
  async beforeUpdate(tx, input, now) {
    const current = await verbs.find(tx, input.id);
    const vat = ratesInForce(input, now, current);
    await checkReferences(tx, input, current.baseUnitId);
    return vat;
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
    input.vatCategory ? eq(items.vatCategory, input.vatCategory) : undefined,
  ]);
