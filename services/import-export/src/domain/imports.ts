import { AppError, invalidField, pageInput, pageOf } from "@vextrus/platform";
import { keyset } from "@vextrus/platform/db";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import { importRows, imports } from "../db/schema.ts";
import type { IeContext } from "../deps.ts";
import { formatOf } from "../sheets/read.ts";
import { buildTemplate } from "../sheets/template.ts";
import { delegated, findImport, importView, transition } from "./common.ts";
import { ENTITIES, EntityName, entityOf } from "./entities.ts";
import { publish } from "./events.ts";

type Call<I> = { ctx: IeContext; input: I };

const Format = z.enum(["csv", "xlsx"]);
const Header = z.string().trim().min(1).max(200);
const Field = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, "a field name");

export const TemplateInput = z.object({ entity: EntityName, format: Format });
export type TemplateInput = z.infer<typeof TemplateInput>;

/** The import template of an entity (small: sent inline, base64). */
export async function importTemplate({ ctx, input }: Call<TemplateInput>) {
  const entity = ENTITIES[input.entity];
  const spec = await ctx.deps.masterData.spec(entity, ctx);
  const file = await buildTemplate(spec, input.format);
  return {
    fileName: file.fileName,
    contentType: file.contentType,
    base64: file.bytes.toString("base64"),
    columns: spec.columns,
  };
}

export const CreateImportInput = z
  .object({
    entity: EntityName,
    /** A file already in file storage (`files.createUpload` → PUT → `files.completeUpload`). */
    fileId: z.uuid(),
    mode: z.enum(["create", "upsert"]),
    /** Which column matches a row to an existing record (required for an upsert). */
    keyColumn: Field.optional(),
    /** Header in the file → field; overrides the mapping remembered from the tenant's last import. */
    mapping: z.record(Header, Field).optional(),
  })
  .refine((input) => input.mode === "create" || input.keyColumn !== undefined, {
    path: ["keyColumn"],
    message: "An upsert needs the key column that matches rows to records",
    params: { messageBn: "আপসার্টের জন্য রেকর্ড মেলানোর কী কলাম দিতে হবে" },
  })
  .refine((input) => Object.keys(input.mapping ?? {}).length <= 200, {
    path: ["mapping"],
    message: "At most 200 columns",
    params: { messageBn: "সর্বোচ্চ ২০০টি কলাম" },
  });
export type CreateImportInput = z.infer<typeof CreateImportInput>;

/**
 * Starts an import: checks the file (the caller must be able to read it) and the key column, then
 * a job stages the file row by row and previews every row with the owning service. Nothing is
 * applied until `apply`.
 */
export async function createImport({ ctx, input }: Call<CreateImportInput>) {
  const entity = ENTITIES[input.entity];
  const permissions = delegated(ctx, entity.importPermissions);
  const [file, spec] = await Promise.all([
    ctx.deps.files.get(input.fileId, ctx),
    ctx.deps.masterData.spec(entity, ctx),
  ]);
  if (input.keyColumn && !spec.keys.includes(input.keyColumn)) {
    throw invalidField("keyColumn", "import_export.key_column.unknown", {
      en: `Rows can be matched by ${spec.keys.join(", ")}`,
      bn: `সারি মেলানো যায় এগুলো দিয়ে: ${spec.keys.join(", ")}`,
    });
  }
  const fields = new Set(spec.columns.map((c) => c.name));
  for (const [header, field] of Object.entries(input.mapping ?? {})) {
    if (!fields.has(field)) {
      throw invalidField(`mapping.${header}`, "import_export.mapping.unknown_field", {
        en: `No column named ${field}`,
        bn: `${field} নামে কোনো কলাম নেই`,
      });
    }
  }
  if (file.status !== "available") {
    throw new AppError(
      "PRECONDITION_FAILED",
      "import_export.file.not_available",
      { en: "The file is not uploaded completely yet", bn: "ফাইলটি এখনো সম্পূর্ণ আপলোড হয়নি" },
      "fileId",
    );
  }
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [row] = await tx
      .insert(imports)
      .values({
        tenantId: ctx.tenantId,
        entity: input.entity,
        fileId: input.fileId,
        format: formatOf(file),
        mode: input.mode,
        keyColumn: input.keyColumn ?? null,
        mapping: input.mapping ?? {},
        status: "staging",
        phase: "staging",
        createdBy: ctx.principal.userId,
        permissions,
        createdAt: ctx.deps.now(),
        updatedAt: ctx.deps.now(),
      })
      .returning();
    if (!row) {
      throw new Error("insert into imports returned nothing");
    }
    await publish(
      tx,
      { tenantId: ctx.tenantId, actorId: ctx.principal.userId },
      "vextrus.import_export.job.started",
      row.id,
      {
        id: row.id,
        kind: "import",
        entity: row.entity,
        fileId: row.fileId,
        mode: row.mode,
      },
    );
    return importView(row);
  });
}

export const ById = z.object({ id: z.uuid() });
export const Versioned = z.object({ id: z.uuid(), expectedVersion: z.number().int().min(1) });

export const getImport = ({ ctx, input }: Call<z.infer<typeof ById>>) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => importView(await findImport(tx, input.id)), {
    readOnly: true,
  });

export const ListImportsInput = z.object({ ...pageInput(), entity: EntityName.optional() });

export const listImports = ({ ctx, input }: Call<z.infer<typeof ListImportsInput>>) =>
  ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const page = keyset({ id: imports.id }, input.cursor);
      const rows = await tx
        .select()
        .from(imports)
        .where(and(page.where, input.entity ? eq(imports.entity, input.entity) : undefined))
        .orderBy(...page.orderBy)
        .limit(input.limit + 1);
      const result = pageOf(rows, input.limit, (row) => row.id);
      return { items: result.items.map(importView), nextCursor: result.nextCursor };
    },
    { readOnly: true },
  );

export const ListRowsInput = z.object({
  importId: z.uuid(),
  action: z.enum(["create", "update", "unchanged", "error"]).optional(),
  /** Rows after this row number (the last one of the previous page). */
  afterRow: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(100),
});

/** The preview, row by row: what each would do, the field diff of updates, the errors of the rest. */
export const listRows = ({ ctx, input }: Call<z.infer<typeof ListRowsInput>>) =>
  ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      await findImport(tx, input.importId);
      const rows = await tx
        .select()
        .from(importRows)
        .where(
          and(
            eq(importRows.importId, input.importId),
            gt(importRows.rowNo, input.afterRow),
            input.action ? eq(importRows.action, input.action) : undefined,
          ),
        )
        .orderBy(asc(importRows.rowNo))
        .limit(input.limit + 1);
      const items = rows.slice(0, input.limit).map((r) => ({
        rowNo: r.rowNo,
        action: r.action,
        values: r.values,
        recordId: r.recordId ?? r.targetId,
        diff: r.diff ?? [],
        errors: r.errors ?? [],
        outcome: r.outcome,
      }));
      const last = items.at(-1);
      return { items, nextAfterRow: rows.length > input.limit && last ? last.rowNo : null };
    },
    { readOnly: true },
  );

const NOT_READY = {
  en: "Only a previewed import can be applied",
  bn: "শুধু প্রিভিউ করা ইমপোর্ট প্রয়োগ করা যায়",
};

/** Queues the apply job: batches of rows to the owning service, resumable, each row once. */
export const applyImport = ({ ctx, input }: Call<z.infer<typeof Versioned>>) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const row = await findImport(tx, input.id, true);
    delegated(ctx, entityOf(row.entity)?.importPermissions ?? []);
    const after = await transition(
      tx,
      row,
      input.expectedVersion,
      ["ready"],
      {
        status: "applying",
        phase: "apply",
        cursor: 0,
        done: 0,
        failed: 0,
        phaseTotal: row.total,
        rowsPerSecond: null,
        phaseStartedAt: ctx.deps.now(),
        leaseOwner: null,
        leaseUntil: null,
      },
      NOT_READY,
      ctx.deps.now(),
    );
    return importView(after);
  });

const NOT_APPLIED = {
  en: "Only an applied import can be rolled back",
  bn: "শুধু প্রয়োগ করা ইমপোর্ট ফিরিয়ে নেওয়া যায়",
};

/** Queues the rollback job: created records archived, updated ones restored, where untouched since. */
export const rollbackImport = ({ ctx, input }: Call<z.infer<typeof Versioned>>) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const row = await findImport(tx, input.id, true);
    delegated(ctx, entityOf(row.entity)?.importPermissions ?? []);
    const after = await transition(
      tx,
      row,
      input.expectedVersion,
      ["applied"],
      {
        status: "rolling_back",
        phase: "rollback",
        done: 0,
        failed: 0,
        phaseTotal: row.creates + row.updates + row.unchanged,
        rowsPerSecond: null,
        phaseStartedAt: ctx.deps.now(),
        leaseOwner: null,
        leaseUntil: null,
      },
      NOT_APPLIED,
      ctx.deps.now(),
    );
    return importView(after);
  });

/** Rows of an import in row order, a page at a time (for the errors file). */
export const rowsAfter = (
  ctx: IeContext,
  importId: string,
  afterRow: number,
  limit: number,
  onlyErrors: boolean,
) =>
  ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) =>
      tx
        .select()
        .from(importRows)
        .where(
          and(
            eq(importRows.importId, importId),
            gt(importRows.rowNo, afterRow),
            onlyErrors
              ? sql`(${importRows.action} = 'error' or ${importRows.outcome} = 'failed')`
              : undefined,
          ),
        )
        .orderBy(asc(importRows.rowNo))
        .limit(limit),
    { readOnly: true },
  );
