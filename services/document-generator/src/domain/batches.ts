import { emit } from "@vextrus/events";
import { AppError, notFound } from "@vextrus/platform";
import { and, asc, eq, isNull, lt, or, sql } from "drizzle-orm";
import JSZip from "jszip";
import { z } from "zod";
import { type BatchItemError, batches, batchItems, documents, outbox } from "../db/schema.ts";
import type { DocumentContext } from "../deps.ts";
import { documentPdf, issueDocument } from "./documents.ts";
import { sha256Hex } from "./render.ts";
import { Locale } from "./schemas.ts";
import { DocumentRequest, SeriesRef } from "./templates/index.ts";
import { Mushak63Data } from "./templates/mushak-6.3.ts";
import { Mushak66Data } from "./templates/mushak-6.6.ts";
import { PurchaseOrderData } from "./templates/purchase-order.ts";
import { WorkOrderData } from "./templates/work-order.ts";

export type BatchRow = typeof batches.$inferSelect;

/** The most documents one batch issues. */
export const MAX_BATCH_ITEMS = 500;
/** How long a runner holds a batch without renewing (it renews after every document). */
const LEASE_MS = 60_000;
/** The failures `batches.get` lists (the counts cover all). */
const MAX_FAILURES_SHOWN = 100;

const BATCH = { en: "Document batch", bn: "নথির ব্যাচ" };

/** An item as issued: its data, and the batch's series when the item has no number of its own. */
function itemRequest(input: BatchInput, data: { number?: string | undefined }) {
  return {
    template: input.template,
    locale: input.locale,
    data,
    ...(input.series && data.number === undefined ? { series: input.series } : {}),
  };
}

const batchOf = <T extends string, D extends z.ZodType<{ number?: string | undefined }>>(
  template: T,
  data: D,
) =>
  z.strictObject({
    template: z.literal(template),
    locale: Locale.default("bn"),
    /** Where items without their own `number` take one from (master-data's series). */
    series: SeriesRef.optional(),
    /** Each checked as `documents.issue` checks its data: a bad one is a 400 naming `items.<n>.<field>`. */
    items: z.array(data).min(1).max(MAX_BATCH_ITEMS),
  });

/** `{ template, locale, series?, items: data[] }`: the items of one template, all checked up front. */
export const BatchInput = z
  .discriminatedUnion("template", [
    batchOf("mushak-6.3", Mushak63Data),
    batchOf("mushak-6.6", Mushak66Data),
    batchOf("purchase-order", PurchaseOrderData),
    batchOf("work-order", WorkOrderData),
  ])
  .superRefine((value, ctx) => {
    if (value.series) {
      return;
    }
    value.items.forEach((item, i) => {
      if (item.number === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["items", i, "number"],
          message: "Give the item's number, or the numbering series of the batch (series)",
          params: { messageBn: "আইটেমের নম্বর, অথবা ব্যাচের নম্বর সিরিজ (series) দিন" },
        });
      }
    });
  });
export type BatchInput = z.output<typeof BatchInput>;

export const BatchById = z.strictObject({ id: z.uuid() });

async function findBatch(ctx: DocumentContext, id: string): Promise<BatchRow> {
  const [row] = await ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) => tx.select().from(batches).where(eq(batches.id, id)).limit(1),
    { readOnly: true },
  );
  if (!row) {
    throw notFound(BATCH, "documents.batch.not_found");
  }
  return row;
}

/** A batch as callers see it: `running`, `paused` (no one holds it: `batches.resume`) or `completed`. */
async function batchView(ctx: DocumentContext, row: BatchRow) {
  const failures = await ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) =>
      tx
        .select({ position: batchItems.position, error: batchItems.error })
        .from(batchItems)
        .where(and(eq(batchItems.batchId, row.id), eq(batchItems.status, "failed")))
        .orderBy(asc(batchItems.position))
        .limit(MAX_FAILURES_SHOWN),
    { readOnly: true },
  );
  const held = row.leaseUntil !== null && row.leaseUntil.getTime() > ctx.deps.now().getTime();
  return {
    id: row.id,
    template: row.template,
    locale: row.locale,
    status:
      row.status === "completed" ? ("completed" as const) : held ? ("running" as const) : ("paused" as const),
    total: row.total,
    done: row.done,
    failed: row.failed,
    pending: row.total - row.done - row.failed,
    failures: failures.map((f) => ({ position: f.position, ...(f.error ?? { code: "", message: "" }) })),
    result: row.resultFileId ? { fileId: row.resultFileId, sha256: row.resultSha256 } : null,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    completedAt: row.completedAt,
  };
}

/**
 * Records a batch and its items (one transaction, `vextrus.document.batch.started`), then starts
 * issuing them in the background with the caller's authority; `batches.get` shows the progress.
 */
export async function createBatch({ ctx, input }: { ctx: DocumentContext; input: BatchInput }) {
  const id = Bun.randomUUIDv7();
  const at = ctx.deps.now();
  const row = await ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [created] = await tx
      .insert(batches)
      .values({
        id,
        tenantId: ctx.tenantId,
        template: input.template,
        locale: input.locale,
        total: input.items.length,
        createdBy: ctx.principal.userId,
        // The creator's runner holds it from the start.
        leaseUntil: new Date(at.getTime() + LEASE_MS),
        createdAt: at,
        updatedAt: at,
      })
      .returning();
    for (let start = 0; start < input.items.length; start += 100) {
      await tx.insert(batchItems).values(
        input.items.slice(start, start + 100).map((data, k) => ({
          tenantId: ctx.tenantId,
          batchId: id,
          position: start + k + 1,
          request: itemRequest(input, data as { number?: string }),
          createdAt: at,
          updatedAt: at,
        })),
      );
    }
    await emit(tx, outbox, {
      type: "vextrus.document.batch.started",
      subject: id,
      tenantId: ctx.tenantId,
      actorId: ctx.principal.userId,
      traceparent: ctx.traceparent,
      data: { id, template: input.template, total: input.items.length },
    });
    return created;
  });
  if (!row) {
    throw new Error("batch insert returned nothing");
  }
  startRunner(ctx, id, true);
  return batchView(ctx, row);
}

export async function getBatch({ ctx, input }: { ctx: DocumentContext; input: z.infer<typeof BatchById> }) {
  return batchView(ctx, await findBatch(ctx, input.id));
}

/**
 * Continues a paused batch (its runner stopped: the service restarted, a peer was down, or the
 * starter's token expired) with the caller's authority. A running or completed one is left as is.
 */
export async function resumeBatch({
  ctx,
  input,
}: {
  ctx: DocumentContext;
  input: z.infer<typeof BatchById>;
}) {
  const row = await findBatch(ctx, input.id);
  // Taken here, before answering, so the answer already says `running`.
  if (row.status !== "completed" && (await takeLease(ctx, row.id))) {
    startRunner(ctx, row.id, true);
    return batchView(ctx, await findBatch(ctx, row.id));
  }
  return batchView(ctx, row);
}

/** A short-lived link to the batch's ZIP of issued PDFs. */
export async function batchDownloadUrl({
  ctx,
  input,
}: {
  ctx: DocumentContext;
  input: z.infer<typeof BatchById>;
}) {
  const row = await findBatch(ctx, input.id);
  if (!row.resultFileId) {
    throw new AppError("PRECONDITION_FAILED", "documents.batch.not_completed", {
      en: "The batch has no ZIP yet: it is still issuing, or nothing in it was issued",
      bn: "ব্যাচটির জিপ এখনও তৈরি হয়নি: ইস্যু চলছে, অথবা কোনো নথি ইস্যু হয়নি",
    });
  }
  return ctx.deps.files.downloadUrl(row.resultFileId, ctx);
}

// ── the runner ────────────────────────────────────────────────────────────────────────────────────

function startRunner(ctx: DocumentContext, id: string, leased = false) {
  runBatch(ctx, id, leased).catch((error: unknown) => {
    ctx.log.error("batch runner stopped", {
      batchId: id,
      message: error instanceof Error ? error.message : String(error),
    });
  });
}

/** Takes the batch if no one holds it (or the holder's lease ran out): whether it did. */
async function takeLease(ctx: DocumentContext, id: string): Promise<boolean> {
  const now = ctx.deps.now();
  const taken = await ctx.deps.db.tenant(ctx.tenantId, (tx) =>
    tx
      .update(batches)
      .set({ leaseUntil: new Date(now.getTime() + LEASE_MS), updatedAt: now })
      .where(
        and(
          eq(batches.id, id),
          eq(batches.status, "running"),
          or(isNull(batches.leaseUntil), lt(batches.leaseUntil, now)),
        ),
      )
      .returning({ id: batches.id }),
  );
  return taken.length > 0;
}

const releaseLease = (ctx: DocumentContext, id: string) =>
  ctx.deps.db.tenant(ctx.tenantId, (tx) =>
    tx.update(batches).set({ leaseUntil: null }).where(eq(batches.id, id)),
  );

/** Failures that are no fault of the item: stop, leave it pending, and let a resume retry it. */
function isTransient(error: unknown): boolean {
  if (!(error instanceof AppError)) {
    return false;
  }
  return (
    error.kind === "UNAUTHORIZED" ||
    (error.kind === "UNAVAILABLE" &&
      (error.code.startsWith("upstream.") || error.code === "documents.file.store_failed"))
  );
}

function itemError(error: unknown): BatchItemError {
  if (error instanceof AppError) {
    return { code: error.code, message: error.text.en, ...(error.field ? { field: error.field } : {}) };
  }
  return { code: "documents.batch.item_failed", message: "The document could not be issued" };
}

/** Issues the pending items one by one, in order (so a series numbers them in order), then completes. */
async function runBatch(ctx: DocumentContext, id: string, leased: boolean) {
  if (!leased && !(await takeLease(ctx, id))) {
    return;
  }
  let completed = false;
  try {
    for (;;) {
      const [item] = await ctx.deps.db.tenant(
        ctx.tenantId,
        (tx) =>
          tx
            .select()
            .from(batchItems)
            .where(and(eq(batchItems.batchId, id), eq(batchItems.status, "pending")))
            .orderBy(asc(batchItems.position))
            .limit(1),
        { readOnly: true },
      );
      if (!item) {
        break;
      }
      let outcome: { documentId: string } | { error: BatchItemError };
      try {
        const issued = await issueDocument({ ctx, input: DocumentRequest.parse(item.request) });
        outcome = { documentId: issued.id };
      } catch (error) {
        if (isTransient(error)) {
          ctx.log.warn("batch paused", { batchId: id, position: item.position, ...itemError(error) });
          return;
        }
        if (!(error instanceof AppError)) {
          ctx.log.error("batch item failed", {
            batchId: id,
            position: item.position,
            message: error instanceof Error ? error.message : String(error),
          });
        }
        outcome = { error: itemError(error) };
      }
      const now = ctx.deps.now();
      await ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
        await tx
          .update(batchItems)
          .set(
            "documentId" in outcome
              ? { status: "issued", documentId: outcome.documentId, updatedAt: now }
              : { status: "failed", error: outcome.error, updatedAt: now },
          )
          .where(and(eq(batchItems.batchId, id), eq(batchItems.position, item.position)));
        await tx
          .update(batches)
          .set({
            ...("documentId" in outcome
              ? { done: sql`${batches.done} + 1` }
              : { failed: sql`${batches.failed} + 1` }),
            leaseUntil: new Date(now.getTime() + LEASE_MS),
            updatedAt: now,
          })
          .where(eq(batches.id, id));
      });
    }
    await completeBatch(ctx, id);
    completed = true;
  } finally {
    if (!completed) {
      await releaseLease(ctx, id);
    }
  }
}

/** One ZIP of the issued PDFs (`<position>-<number>.pdf`, the bytes issued) in file-storage; completed. */
async function completeBatch(ctx: DocumentContext, id: string) {
  const issued = await ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) =>
      tx
        .select({ position: batchItems.position, documentId: documents.id, number: documents.number })
        .from(batchItems)
        .innerJoin(documents, eq(documents.id, batchItems.documentId))
        .where(and(eq(batchItems.batchId, id), eq(batchItems.status, "issued")))
        .orderBy(asc(batchItems.position)),
    { readOnly: true },
  );
  const row = await findBatch(ctx, id);
  let result: { fileId: string; sha256: string } | undefined;
  if (issued.length > 0) {
    const zip = new JSZip();
    for (const doc of issued) {
      const pdf = await documentPdf({ ctx, input: { id: doc.documentId } });
      const name = `${String(doc.position).padStart(4, "0")}-${doc.number.replace(/[^\p{L}\p{N}._-]+/gu, "-")}.pdf`;
      zip.file(name, Buffer.from(pdf.pdf, "base64"));
    }
    const bytes = await zip.generateAsync({ type: "uint8array", compression: "STORE" });
    const sha256 = sha256Hex(bytes);
    const fileId = await ctx.deps.files.store(
      { fileName: `${row.template}-batch-${id}.zip`, contentType: "application/zip", bytes, sha256 },
      ctx,
    );
    result = { fileId, sha256 };
  }
  const now = ctx.deps.now();
  await ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [done] = await tx
      .update(batches)
      .set({
        status: "completed",
        resultFileId: result?.fileId ?? null,
        resultSha256: result?.sha256 ?? null,
        completedAt: now,
        leaseUntil: null,
        updatedAt: now,
        version: sql`${batches.version} + 1`,
      })
      .where(and(eq(batches.id, id), eq(batches.status, "running")))
      .returning();
    if (done) {
      await emit(tx, outbox, {
        type: "vextrus.document.batch.completed",
        subject: id,
        tenantId: ctx.tenantId,
        actorId: ctx.principal.userId,
        traceparent: ctx.traceparent,
        data: {
          id,
          template: done.template,
          total: done.total,
          done: done.done,
          failed: done.failed,
          fileId: result?.fileId ?? null,
        },
      });
    }
  });
  ctx.deps.metrics.batches.inc({ template: row.template });
}
