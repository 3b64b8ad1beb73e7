import { invalidField } from "@vextrus/platform";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { units } from "../../db/schema.ts";
import type { MdContext } from "../../deps.ts";
import { Code, ExpectedVersion, findRecord, ListInput, Name, NameBn, recordTermsOf } from "../common.ts";
import { publishCreated } from "../events.ts";
import { recordVerbs } from "../records.ts";
import { convertExactly, decimalSchema, readDecimal } from "./decimal.ts";
import { DEFAULT_UNITS } from "./defaults.ts";

export const UNIT_CATEGORIES = ["mass", "volume", "area", "length", "count"] as const;
/** How many of the category's base unit one of this unit is (exact, up to 12 decimals). */
const Factor = decimalSchema(12, true);

export const CreateUnitInput = z.object({
  code: Code,
  name: Name,
  nameBn: NameBn.optional(),
  category: z.enum(UNIT_CATEGORIES),
  factor: Factor,
});
/** The category never changes: items already measured in the unit rely on it. */
export const UpdateUnitInput = z.object({
  id: z.uuid(),
  expectedVersion: ExpectedVersion,
  code: Code.optional(),
  name: Name.optional(),
  nameBn: NameBn.nullable().optional(),
  factor: Factor.optional(),
});
export const ListUnitsInput = ListInput.extend({
  category: z.enum(UNIT_CATEGORIES).optional(),
  includeArchived: z.boolean().default(false),
});
export const ConvertInput = z.object({
  quantity: decimalSchema(6, false),
  fromUnitId: z.uuid(),
  toUnitId: z.uuid(),
});

export type Unit = typeof units.$inferSelect;
export const UNIT = { key: "unit", event: "unit", label: { en: "Unit", bn: "একক" } } as const;
const TABLE = {
  table: units,
  id: units.id,
  version: units.version,
  terms: recordTermsOf("units"),
  archivedAt: units.archivedAt,
};

const verbs = recordVerbs<Unit, z.infer<typeof CreateUnitInput>, z.infer<typeof UpdateUnitInput>>({
  entity: UNIT,
  table: TABLE,
  unique: { units_tenant_id_code_key: "code" },
});

export const findUnit = verbs.find;
export const createUnit = verbs.create;
export const getUnit = verbs.get;
export const updateUnit = verbs.update;
export const archiveUnit = verbs.archive;
export const restoreUnit = verbs.restore;
export const listUnits = ({ ctx, input }: { ctx: MdContext; input: z.infer<typeof ListUnitsInput> }) =>
  verbs.list({ ctx, input }, [input.category ? eq(units.category, input.category) : undefined]);

/**
 * Adds the Bangladeshi construction units the tenant does not have yet (by code); idempotent. Returns
 * the units it added, each announced as `unit.created`.
 */
export const installDefaultUnits = ({ ctx }: { ctx: MdContext }) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const now = ctx.deps.now();
    const added = await tx
      .insert(units)
      .values(DEFAULT_UNITS.map((u) => ({ ...u, tenantId: ctx.tenantId, createdAt: now, updatedAt: now })))
      .onConflictDoNothing({ target: [units.tenantId, units.code] })
      .returning();
    for (const unit of added) {
      await publishCreated(tx, ctx, "vextrus.master_data.unit.created", unit);
    }
    ctx.deps.metrics.recordsCreated.inc({ entity: "unit" }, added.length);
    return added;
  });

/** A quantity in one unit expressed in another of the same category, computed exactly (6 decimals). */
export const convertQuantity = ({ ctx, input }: { ctx: MdContext; input: z.infer<typeof ConvertInput> }) =>
  ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const from = await findRecord<Unit>(tx, TABLE, UNIT, input.fromUnitId);
      const to = await findRecord<Unit>(tx, TABLE, UNIT, input.toUnitId);
      if (from.category !== to.category) {
        throw invalidField("toUnitId", "master_data.unit.other_category", {
          en: `Cannot convert ${from.category} (${from.code}) to ${to.category} (${to.code})`,
          bn: `${from.code} থেকে ${to.code}-এ রূপান্তর করা যায় না: এককের ধরন আলাদা`,
        });
      }
      const [quantity, fromFactor, toFactor] = [input.quantity, from.factor, to.factor].map(readDecimal);
      if (!quantity || !fromFactor || !toFactor) {
        throw new Error("stored unit factor is not a decimal");
      }
      return { ...convertExactly(quantity, fromFactor, toFactor, 6), from: from.code, to: to.code };
    },
    { readOnly: true },
  );

/** The unit's row, when it is active and of `category` (if given); else a 400 naming `field`. */
export async function unitFor(
  tx: Parameters<typeof findUnit>[0],
  id: string,
  field: string,
  category?: string,
): Promise<Unit> {
  const [unit] = await tx.select().from(units).where(eq(units.id, id)).limit(1);
  if (!unit || unit.archivedAt) {
    throw invalidField(field, "master_data.unit.unknown", {
      en: "No such unit (or it is archived)",
      bn: "এমন কোনো একক নেই (অথবা আর্কাইভ করা)",
    });
  }
  if (category && unit.category !== category) {
    throw invalidField(field, "master_data.unit.other_category", {
      en: `Must be a ${category} unit, like the base unit`,
      bn: "মূল এককের একই ধরনের একক হতে হবে",
    });
  }
  return unit;
}
