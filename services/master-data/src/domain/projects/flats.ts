import { AppError, invalidField } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { flats, projects } from "../../db/schema.ts";
import type { MdContext } from "../../deps.ts";
import {
  definedOnly,
  ExpectedVersion,
  findRecord,
  ListInput,
  listPage,
  NonNegativeMoney,
  uniqueFields,
  updateVersioned,
} from "../common.ts";
import { publishChanged, publishCreated } from "../events.ts";
import { decimalSchema } from "../units/decimal.ts";

export const FLAT_STATUSES = ["available", "booked", "sold"] as const;
const FACINGS = [
  "north",
  "south",
  "east",
  "west",
  "north_east",
  "north_west",
  "south_east",
  "south_west",
] as const;
const Label = z.string().trim().min(1).max(30);

export const CreateFlatInput = z.object({
  projectId: z.uuid(),
  phase: Label.optional(),
  block: Label.optional(),
  /** 0 is the ground floor; negative floors are basements. */
  floor: z.number().int().min(-10).max(200),
  flatNo: Label,
  sizeSft: decimalSchema(2, true),
  facing: z.enum(FACINGS).optional(),
  price: NonNegativeMoney,
});
export const UpdateFlatInput = z.object({
  id: z.uuid(),
  expectedVersion: ExpectedVersion,
  phase: Label.nullable().optional(),
  block: Label.nullable().optional(),
  floor: z.number().int().min(-10).max(200).optional(),
  flatNo: Label.optional(),
  sizeSft: decimalSchema(2, true).optional(),
  facing: z.enum(FACINGS).nullable().optional(),
  price: NonNegativeMoney.optional(),
  /** available → booked → sold; a booking may be cancelled (booked → available); a sale is final. */
  status: z.enum(FLAT_STATUSES).optional(),
});
export const ListFlatsInput = ListInput.extend({
  projectId: z.uuid().optional(),
  status: z.enum(FLAT_STATUSES).optional(),
});

export type Flat = typeof flats.$inferSelect;
const FLAT = { key: "flat", label: { en: "Flat", bn: "ফ্ল্যাট" } };
const TABLE = { table: flats, id: flats.id, version: flats.version };
const UNIQUE = { flats_project_block_flat_no_key: "flatNo" };
const NEXT: Record<Flat["status"], readonly Flat["status"][]> = {
  available: ["booked"],
  booked: ["sold", "available"],
  sold: [],
};

type Call<Input> = { ctx: MdContext; input: Input };

/** Flats belong to an active real-estate project of the tenant. */
async function realEstateProject(tx: Tx, projectId: string) {
  const [project] = await tx.select().from(projects).where(eq(projects.id, projectId)).limit(1);
  if (!project || project.archivedAt || project.kind !== "real_estate") {
    throw invalidField("projectId", "master_data.flat.project", {
      en: "No such real-estate project (or it is archived)",
      bn: "এমন কোনো আবাসন প্রকল্প নেই (অথবা আর্কাইভ করা)",
    });
  }
  return project;
}

export const createFlat = ({ ctx, input }: Call<z.infer<typeof CreateFlatInput>>) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    await realEstateProject(tx, input.projectId);
    const now = ctx.deps.now();
    const [row] = await uniqueFields(
      tx
        .insert(flats)
        .values({ ...input, tenantId: ctx.tenantId, createdAt: now, updatedAt: now })
        .returning(),
      FLAT,
      UNIQUE,
    );
    if (!row) {
      throw new Error("insert into flats returned nothing");
    }
    await publishCreated(tx, ctx, "vextrus.master_data.flat.created", row);
    ctx.deps.metrics.recordsCreated.inc({ entity: "flat" });
    return row;
  });

export const getFlat = ({ ctx, input }: Call<{ id: string }>) =>
  ctx.deps.db.tenant(ctx.tenantId, (tx) => findRecord<Flat>(tx, TABLE, FLAT, input.id), { readOnly: true });

export const listFlats = ({ ctx, input }: Call<z.infer<typeof ListFlatsInput>>) =>
  ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) =>
      listPage<Flat>(tx, TABLE, input, [
        input.projectId ? eq(flats.projectId, input.projectId) : undefined,
        input.status ? eq(flats.status, input.status) : undefined,
      ]),
    { readOnly: true },
  );

export const updateFlat = ({ ctx, input }: Call<z.infer<typeof UpdateFlatInput>>) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const { id, expectedVersion, ...patch } = input;
    const result = await uniqueFields(
      updateVersioned<Flat>(
        tx,
        TABLE,
        FLAT,
        { id, expectedVersion },
        definedOnly(patch),
        ctx.deps.now(),
        (flat) => {
          if (patch.status && patch.status !== flat.status && !NEXT[flat.status].includes(patch.status)) {
            throw new AppError(
              "PRECONDITION_FAILED",
              "master_data.flat.status",
              {
                en: `A ${flat.status} flat cannot become ${patch.status}`,
                bn: "ফ্ল্যাটের অবস্থা এভাবে বদলানো যায় না",
              },
              "status",
            );
          }
          if (flat.status === "sold" && Object.keys(definedOnly(patch)).length > 0) {
            throw new AppError("PRECONDITION_FAILED", "master_data.flat.sold", {
              en: "A sold flat cannot be changed",
              bn: "বিক্রিত ফ্ল্যাট পরিবর্তন করা যায় না",
            });
          }
        },
      ),
      FLAT,
      UNIQUE,
    );
    await publishChanged(tx, ctx, "vextrus.master_data.flat.updated", result);
    return result.after;
  });
