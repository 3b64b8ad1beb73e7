import { BdMobile, Bin, Etin, Nid, TDS_CATEGORIES, VDS_CATEGORIES } from "@vextrus/bd";
import { z } from "zod";
import { ExpectedVersion, ListInput, Name, NameBn, NonNegativeMoney } from "../common.ts";
import { Address, BankAccount } from "./values.ts";

export const PARTY_ROLES = [
  "customer",
  "supplier",
  "contractor",
  "subcontractor",
  "consultant",
  "landowner",
] as const;
export const PartyRole = z.enum(PARTY_ROLES);

/**
 * Each field's column title in English and Bengali and an example: what spreadsheet templates and
 * import previews show (`partyImportSpec` reads them from this schema through `z.toJSONSchema`).
 */
const col = (title: string, titleBn: string, example: unknown) => ({ title, titleBn, example });

const fields = {
  kind: z.enum(["organisation", "individual"]).meta(col("Kind", "ধরন", "organisation")),
  name: Name.meta(col("Legal name", "আইনি নাম", "Rahim Builders Ltd")),
  nameBn: NameBn.meta(col("Name in Bengali", "বাংলায় নাম", "রহিম বিল্ডার্স লিমিটেড")),
  roles: z
    .array(PartyRole)
    .min(1)
    .max(PARTY_ROLES.length)
    .refine((roles) => new Set(roles).size === roles.length, {
      message: "Each role once",
      params: { messageBn: "প্রতিটি ভূমিকা একবারই দিন" },
    })
    .meta(col("Roles", "ভূমিকা", "supplier;contractor")),
  tradeLicenceNo: z
    .string()
    .trim()
    .min(1)
    .max(50)
    .meta(col("Trade licence no.", "ট্রেড লাইসেন্স নং", "TRAD/DNCC/012345/2024")),
  bin: Bin.meta(col("BIN", "বিআইএন", "000123456-0101")),
  etin: Etin.meta(col("e-TIN", "ই-টিআইএন", "224187378587")),
  nid: Nid.meta(col("NID", "জাতীয় পরিচয়পত্র নং", "19858198510123456")),
  mobiles: z
    .array(BdMobile)
    .max(5)
    .meta(col("Mobiles", "মোবাইল", "01712345678")),
  email: z
    .email()
    .max(200)
    .meta(col("Email", "ইমেইল", "accounts@rahim.com.bd")),
  addresses: z.array(Address).max(20),
  bankAccounts: z.array(BankAccount).max(10),
  vdsCategory: z.enum(VDS_CATEGORIES).meta(col("VDS category", "ভিডিএস শ্রেণি", "procurement_provider")),
  tdsCategory: z.enum(TDS_CATEGORIES).meta(col("TDS category", "টিডিএস শ্রেণি", "cement_iron")),
  creditLimit: NonNegativeMoney.meta({
    ...col("Credit limit (BDT)", "ঋণসীমা (টাকা)", "2500000.00"),
    format: "money",
  }),
  paymentTermsDays: z
    .number()
    .int()
    .min(0)
    .max(365)
    .meta(col("Payment terms (days)", "পরিশোধের মেয়াদ (দিন)", 30)),
};

export const CreatePartyInput = z.object({
  ...fields,
  kind: fields.kind.default("organisation"),
  nameBn: fields.nameBn.optional(),
  tradeLicenceNo: fields.tradeLicenceNo.optional(),
  bin: fields.bin.optional(),
  etin: fields.etin.optional(),
  nid: fields.nid.optional(),
  mobiles: fields.mobiles.default([]),
  email: fields.email.optional(),
  addresses: fields.addresses.default([]),
  bankAccounts: fields.bankAccounts.default([]),
  vdsCategory: fields.vdsCategory.optional(),
  tdsCategory: fields.tdsCategory.optional(),
  creditLimit: fields.creditLimit.optional(),
  paymentTermsDays: fields.paymentTermsDays.optional(),
});
export type CreatePartyInput = z.infer<typeof CreatePartyInput>;

/** Any field may change; `null` clears an optional one. Archive / restore have their own verbs. */
export const UpdatePartyInput = z.object({
  id: z.uuid(),
  expectedVersion: ExpectedVersion,
  kind: fields.kind.optional(),
  name: fields.name.optional(),
  nameBn: fields.nameBn.nullable().optional(),
  roles: fields.roles.optional(),
  tradeLicenceNo: fields.tradeLicenceNo.nullable().optional(),
  bin: fields.bin.nullable().optional(),
  etin: fields.etin.nullable().optional(),
  nid: fields.nid.nullable().optional(),
  mobiles: fields.mobiles.optional(),
  email: fields.email.nullable().optional(),
  addresses: fields.addresses.optional(),
  bankAccounts: fields.bankAccounts.optional(),
  vdsCategory: fields.vdsCategory.nullable().optional(),
  tdsCategory: fields.tdsCategory.nullable().optional(),
  creditLimit: fields.creditLimit.nullable().optional(),
  paymentTermsDays: fields.paymentTermsDays.nullable().optional(),
  /** active ↔ blocked (a blocked party stays visible but new documents should refuse it). */
  status: z.enum(["active", "blocked"]).optional(),
});
export type UpdatePartyInput = z.infer<typeof UpdatePartyInput>;

export const ListPartiesInput = ListInput.extend({
  role: PartyRole.optional(),
  status: z.enum(["active", "blocked", "archived"]).optional(),
  /** Archived parties are left out unless asked for (or `status: "archived"`). */
  includeArchived: z.boolean().default(false),
});
export type ListPartiesInput = z.infer<typeof ListPartiesInput>;

export const MergePartiesInput = z.object({ keepId: z.uuid(), mergeId: z.uuid() });
export type MergePartiesInput = z.infer<typeof MergePartiesInput>;
