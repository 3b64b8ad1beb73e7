import type { VatCategory } from "@vextrus/bd";
import { itemGroups, items, units } from "../../db/schema.ts";
import type { MdContext } from "../../deps.ts";
import { importBatchInput, type RollbackImportInput, rowError } from "../imports/common.ts";
import { importRecords, recordImportSpec } from "../imports/records.ts";
import { rollbackRecordsImport } from "../imports/rollback.ts";
import type { ImportableRecord, Rec, Reference } from "../imports/spec.ts";
import { CreateItemInput, vatOf } from "./items.ts";

const unit = (field: string, en: string, bn: string): Reference => ({
  field,
  label: { en, bn },
  table: units,
  id: units.id,
  code: units.code,
  codeField: "code",
});

const OTHER_CATEGORY = (field: string, category: unknown) =>
  rowError(
    field,
    "master_data.unit.other_category",
    `Must be a ${category} unit, like the base unit`,
    "মূল এককের একই ধরনের একক হতে হবে",
  );

/** Items from a spreadsheet: matched by code; group and units written by code; `create`'s checks. */
export const ITEM_IMPORT: ImportableRecord = {
  key: "item",
  event: "item",
  label: { en: "Item", bn: "পণ্য" },
  schema: CreateItemInput,
  table: items,
  columns: items as unknown as ImportableRecord["columns"],
  keys: ["code"],
  unique: ["code"],
  /** Quantities were recorded in the base unit: it is fixed once the item exists (as `update` has it). */
  fixed: ["baseUnitId"],
  updatable: [
    "code",
    "kind",
    "name",
    "nameBn",
    "groupId",
    "hsCode",
    "vatCategory",
    "vatRate",
    "sdRate",
    "purchaseUnitId",
    "salesUnitId",
    "standardRate",
    "specification",
  ],
  references: [
    {
      field: "groupId",
      label: { en: "Item group", bn: "পণ্যের গ্রুপ" },
      table: itemGroups,
      id: itemGroups.id,
      code: itemGroups.code,
      codeField: "code",
    },
    unit("baseUnitId", "Unit", "একক"),
    unit("purchaseUnitId", "Unit", "একক"),
    unit("salesUnitId", "Unit", "একক"),
  ],
  /** Purchase and sales units of the base unit's category (the base unit of the item, if it exists). */
  check(data: Rec, found, current?: Rec) {
    const base = found("baseUnitId", current?.baseUnitId ?? data.baseUnitId);
    return (["purchaseUnitId", "salesUnitId"] as const).flatMap((field) => {
      const other = data[field] ? found(field, data[field]) : undefined;
      return base && other && other.category !== base.category ? [OTHER_CATEGORY(field, base.category)] : [];
    });
  },
  /** The VAT category and rate as `create` / `update` read them (`vatOf`, the table in force). */
  derive(data: Rec, now: Date, current?: Rec) {
    const vat = vatOf(
      data as { vatCategory?: VatCategory; vatRate?: number },
      now,
      current as { vatCategory: VatCategory } | undefined,
    );
    return vat.ok
      ? { fields: vat.vat ?? {}, errors: [] }
      : { fields: {}, errors: [rowError(vat.field, vat.code, vat.en, vat.bn)] };
  },
};

export const ImportItemsInput = importBatchInput(["code"]);
export const itemImportSpec = () => recordImportSpec(ITEM_IMPORT);
export const importItems = (call: { ctx: MdContext; input: typeof ImportItemsInput._output }) =>
  importRecords(ITEM_IMPORT, call);
export const rollbackItemsImport = (call: { ctx: MdContext; input: RollbackImportInput }) =>
  rollbackRecordsImport(ITEM_IMPORT, call);
