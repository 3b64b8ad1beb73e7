import { AppError, invalidField, pageInput, pageOf } from "@vextrus/platform";
import { keyset } from "@vextrus/platform/db";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { exportsTable } from "../db/schema.ts";
import type { IeContext } from "../deps.ts";
import { delegated, exportView, findExport } from "./common.ts";
import { ENTITIES, EntityName } from "./entities.ts";
import { publish } from "./events.ts";

type Call<I> = { ctx: IeContext; input: I };

const FilterValue = z.union([z.string().max(200), z.boolean(), z.number()]);

export const CreateExportInput = z.object({
  entity: EntityName,
  /** The owning service's list filters (`{ role: "supplier", status: "active" }`), checked by it. */
  filter: z
    .record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,39}$/), FilterValue)
    .refine((f) => Object.keys(f).length <= 20 && !("cursor" in f) && !("limit" in f), {
      message: "At most 20 filters, and no cursor or limit",
      params: { messageBn: "সর্বোচ্চ ২০টি ফিল্টার; কার্সর বা লিমিট নয়" },
    })
    .default({}),
  format: z.enum(["csv", "xlsx"]),
  /** Which columns, in this order; every column of the entity (after its id) when left out. */
  columns: z
    .array(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/))
    .min(1)
    .max(100)
    .optional(),
  /** The language of the header row. */
  locale: z.enum(["en", "bn"]).default("en"),
});
export type CreateExportInput = z.infer<typeof CreateExportInput>;

/**
 * Queues an export. The filter is tried against the owning service now (one record), so a bad one
 * is refused here naming the field, not later in a failed job.
 */
export async function createExport({ ctx, input }: Call<CreateExportInput>) {
  const entity = ENTITIES[input.entity];
  const permissions = delegated(ctx, entity.exportPermissions);
  const spec = await ctx.deps.masterData.spec(entity, ctx);
  const known = ["id", ...spec.columns.map((c) => c.name), ...entity.state, "createdAt", "updatedAt"];
  const columns = input.columns ?? ["id", ...spec.columns.map((c) => c.name), ...entity.state];
  const unknown = columns.find((c) => !known.includes(c));
  if (unknown) {
    throw invalidField("columns", "import_export.export.unknown_column", {
      en: `No column named ${unknown}; choose from ${known.join(", ")}`,
      bn: `${unknown} নামে কোনো কলাম নেই; এগুলো থেকে বেছে নিন: ${known.join(", ")}`,
    });
  }
  try {
    await ctx.deps.masterData.list(entity, { ...input.filter, limit: 1 }, ctx);
  } catch (error) {
    if (error instanceof AppError && error.kind === "VALIDATION") {
      throw invalidField(
        `filter.${error.field ?? ""}`.replace(/\.$/, ""),
        "import_export.export.bad_filter",
        {
          en: error.text.en,
          bn: error.text.bn,
        },
      );
    }
    throw error;
  }
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [row] = await tx
      .insert(exportsTable)
      .values({
        tenantId: ctx.tenantId,
        entity: input.entity,
        format: input.format,
        filter: input.filter,
        columns,
        locale: input.locale,
        createdBy: ctx.principal.userId,
        permissions,
        createdAt: ctx.deps.now(),
        updatedAt: ctx.deps.now(),
      })
      .returning();
    if (!row) {
      throw new Error("insert into exports returned nothing");
    }
    await publish(
      tx,
      { tenantId: ctx.tenantId, actorId: ctx.principal.userId },
      "vextrus.import_export.job.started",
      row.id,
      {
        id: row.id,
        kind: "export",
        entity: row.entity,
        format: row.format,
      },
    );
    return exportView(row);
  });
}

/** An export; once done, with a presigned download link (asked for with the caller's own token). */
export async function getExport({ ctx, input }: Call<{ id: string }>) {
  const row = await ctx.deps.db.tenant(ctx.tenantId, (tx) => findExport(tx, input.id), { readOnly: true });
  const download = row.fileId ? await ctx.deps.files.downloadUrl(row.fileId, ctx) : undefined;
  return { ...exportView(row), downloadUrl: download?.url ?? null };
}

export const ListExportsInput = z.object({ ...pageInput(), entity: EntityName.optional() });

export const listExports = ({ ctx, input }: Call<z.infer<typeof ListExportsInput>>) =>
  ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const page = keyset({ id: exportsTable.id }, input.cursor);
      const rows = await tx
        .select()
        .from(exportsTable)
        .where(and(page.where, input.entity ? eq(exportsTable.entity, input.entity) : undefined))
        .orderBy(...page.orderBy)
        .limit(input.limit + 1);
      const result = pageOf(rows, input.limit, (row) => row.id);
      return { items: result.items.map(exportView), nextCursor: result.nextCursor };
    },
    { readOnly: true },
  );
