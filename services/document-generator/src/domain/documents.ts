import { emit } from "@vextrus/events";
import { AppError, conflict, notFound, pageInput, pageOf } from "@vextrus/platform";
import { keyset, type Tx } from "@vextrus/platform/db";
import { and, eq, or } from "drizzle-orm";
import { z } from "zod";
import { documents, outbox } from "../db/schema.ts";
import type { DocumentContext } from "../deps.ts";
import { produce, sha256Hex, timed } from "./render.ts";
import { type DocumentRequest, TEMPLATE_NAMES } from "./templates/index.ts";

export type DocumentRow = typeof documents.$inferSelect;

const DOCUMENT = { en: "Document", bn: "নথি" };
const documentNotFound = () => notFound(DOCUMENT, "documents.document.not_found");

/** A pending document older than this is an issue that never finished: a new issue may take its number. */
const ABANDONED_MS = 2 * 60_000;

export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, { message: "must be a lowercase hex SHA-256" });
export const ById = z.strictObject({ id: z.uuid() });
export const VerifyInput = z.union([z.strictObject({ id: z.uuid() }), z.strictObject({ sha256: Sha256 })]);
export const ListInput = z.strictObject({
  template: z.enum(TEMPLATE_NAMES as [string, ...string[]]).optional(),
  ...pageInput(),
});

/** A document as callers see it. */
export function documentView(row: DocumentRow) {
  return {
    id: row.id,
    template: row.template,
    templateVersion: row.templateVersion,
    number: row.number,
    locale: row.locale,
    status: row.status,
    sha256: row.sha256,
    contentHash: row.contentHash,
    sizeBytes: row.sizeBytes,
    pages: row.pages,
    fileId: row.fileId,
    summary: row.summary,
    evaluationIds: row.evaluationIds,
    issuedAt: row.issuedAt,
    issuedBy: row.issuedBy,
    createdAt: row.createdAt,
    version: row.version,
  };
}
export type DocumentView = ReturnType<typeof documentView>;

/** A preview: the PDF (base64) and what it says; nothing is stored (rules-engine keeps its evaluations). */
export async function renderDocument({ ctx, input }: { ctx: DocumentContext; input: DocumentRequest }) {
  const out = await produce(ctx, input);
  return {
    template: out.spec.name,
    templateVersion: out.spec.version,
    number: out.prepared.number,
    contentType: "application/pdf" as const,
    pdf: Buffer.from(out.pdf).toString("base64"),
    sizeBytes: out.pdf.byteLength,
    pages: out.pages,
    sha256: out.sha256,
    contentHash: out.contentHash,
    summary: out.prepared.summary,
  };
}

async function findByNumber(tx: Tx, template: string, number: string) {
  const [row] = await tx
    .select()
    .from(documents)
    .where(and(eq(documents.template, template), eq(documents.number, number)))
    .limit(1);
  return row;
}

const NUMBER_MISSING = {
  en: "Give the document's number (data.number) or the numbering series it takes it from (series)",
  bn: "নথির নম্বর (data.number) অথবা যে নম্বর সিরিজ থেকে তা নেওয়া হবে (series) দিন",
};

const numberTaken = (number: string) =>
  conflict("documents.number.taken", {
    en: `A document numbered ${number} was already issued with this template`,
    bn: `এই টেমপ্লেটে ${number} নম্বরের নথি আগেই ইস্যু হয়েছে`,
  });

/**
 * Issues a document: renders it, records it as pending, stores the PDF in file-storage (attached to
 * the document, verified there by its SHA-256), then marks it issued and writes
 * `vextrus.document.document.issued` in the same transaction. The stored bytes never change.
 */
export async function issueDocument({ ctx, input }: { ctx: DocumentContext; input: DocumentRequest }) {
  // The series' next number is taken just before rendering (outside any transaction of ours); a
  // render or store that then fails leaves that number unused, as master-data's series.issued shows.
  const given = input.data.number;
  const series = input.series;
  const number =
    given ?? (series ? await timed(ctx, "number", () => ctx.deps.numbers.next(series, ctx)) : undefined);
  if (number === undefined) {
    throw new AppError("VALIDATION", "documents.number.missing", NUMBER_MISSING, "data.number");
  }
  const out = await produce(ctx, input, number);
  const { db } = ctx.deps;
  const id = Bun.randomUUIDv7();
  await timed(ctx, "record", () =>
    db.tenant(ctx.tenantId, async (tx) => {
      const existing = await findByNumber(tx, out.spec.name, number);
      if (existing) {
        const abandoned =
          existing.status === "pending" && existing.updatedAt.getTime() < out.at.getTime() - ABANDONED_MS;
        if (!abandoned) {
          throw numberTaken(number);
        }
        await tx.delete(documents).where(and(eq(documents.id, existing.id), eq(documents.status, "pending")));
      }
      await tx.insert(documents).values({
        id,
        tenantId: ctx.tenantId,
        template: out.spec.name,
        templateVersion: out.spec.version,
        number,
        locale: input.locale,
        status: "pending",
        contentHash: out.contentHash,
        sha256: out.sha256,
        sizeBytes: out.pdf.byteLength,
        pages: out.pages,
        summary: out.prepared.summary,
        evaluationIds: out.prepared.evaluationIds,
        issuedAt: out.at,
        issuedBy: ctx.principal.userId,
        createdAt: out.at,
        updatedAt: out.at,
      });
    }),
  );
  let fileId: string;
  try {
    fileId = await timed(ctx, "store", () =>
      ctx.deps.files.store(
        {
          fileName: `${out.spec.name}-${number}.pdf`.replace(/[/\\]/g, "-"),
          bytes: out.pdf,
          sha256: out.sha256,
          documentId: id,
        },
        ctx,
      ),
    );
  } catch (error) {
    // Nothing was issued: free the number at once (the file, if any, is collected as unfinished).
    await db.tenant(ctx.tenantId, (tx) =>
      tx.delete(documents).where(and(eq(documents.id, id), eq(documents.status, "pending"))),
    );
    throw error;
  }
  const row = await timed(ctx, "finish", () =>
    db.tenant(ctx.tenantId, async (tx) => {
      const [updated] = await tx
        .update(documents)
        .set({ status: "issued", fileId, updatedAt: ctx.deps.now(), version: 2 })
        .where(and(eq(documents.id, id), eq(documents.status, "pending")))
        .returning();
      if (!updated) {
        throw numberTaken(number);
      }
      await emit(tx, outbox, {
        type: "vextrus.document.document.issued",
        subject: id,
        tenantId: ctx.tenantId,
        actorId: ctx.principal.userId,
        traceparent: ctx.traceparent,
        data: {
          id,
          template: updated.template,
          templateVersion: updated.templateVersion,
          number,
          locale: input.locale,
          fileId,
          sha256: updated.sha256,
          contentHash: updated.contentHash,
          sizeBytes: updated.sizeBytes,
          pages: updated.pages,
        },
      });
      return updated;
    }),
  );
  ctx.deps.metrics.issued.inc({ template: out.spec.name });
  return documentView(row);
}

async function findDocument(ctx: DocumentContext, id: string): Promise<DocumentRow> {
  const [row] = await ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) => tx.select().from(documents).where(eq(documents.id, id)).limit(1),
    { readOnly: true },
  );
  if (!row) {
    throw documentNotFound();
  }
  return row;
}

export async function getDocument({ ctx, input }: { ctx: DocumentContext; input: z.infer<typeof ById> }) {
  return documentView(await findDocument(ctx, input.id));
}

export async function listDocuments({
  ctx,
  input,
}: {
  ctx: DocumentContext;
  input: z.infer<typeof ListInput>;
}) {
  const page = keyset({ id: documents.id, createdAt: documents.createdAt, direction: "desc" }, input.cursor);
  const rows = await ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) =>
      tx
        .select()
        .from(documents)
        .where(and(input.template ? eq(documents.template, input.template) : undefined, page.where))
        .orderBy(...page.orderBy)
        .limit(input.limit + 1),
    { readOnly: true },
  );
  const found = pageOf(rows, input.limit, (row) => row.id);
  return { items: found.items.map(documentView), nextCursor: found.nextCursor };
}

function issuedFile(row: DocumentRow): string {
  if (row.status !== "issued" || !row.fileId) {
    throw new AppError("PRECONDITION_FAILED", "documents.document.not_issued", {
      en: "The document is still being issued; try again in a moment",
      bn: "নথিটি এখনও ইস্যু হচ্ছে; একটু পরে আবার চেষ্টা করুন",
    });
  }
  return row.fileId;
}

/** A short-lived link to the issued PDF in file-storage (the bytes issued, forever). */
export async function downloadUrl({ ctx, input }: { ctx: DocumentContext; input: z.infer<typeof ById> }) {
  const row = await findDocument(ctx, input.id);
  return ctx.deps.files.downloadUrl(issuedFile(row), ctx);
}

/** The issued PDF itself (base64), checked against the SHA-256 recorded when it was issued. */
export async function documentPdf({ ctx, input }: { ctx: DocumentContext; input: z.infer<typeof ById> }) {
  const row = await findDocument(ctx, input.id);
  const bytes = await ctx.deps.files.read(issuedFile(row), ctx);
  if (sha256Hex(bytes) !== row.sha256) {
    ctx.log.error("stored PDF differs from the issued one", { documentId: row.id, fileId: row.fileId });
    throw new AppError("INTERNAL", "documents.document.tampered", {
      en: "The stored PDF does not match the one issued; support has been told",
      bn: "সংরক্ষিত পিডিএফ ইস্যু করা পিডিএফের সাথে মেলে না",
    });
  }
  return {
    contentType: "application/pdf" as const,
    pdf: Buffer.from(bytes).toString("base64"),
    sha256: row.sha256,
  };
}

/**
 * Whether a copy is genuine: by id, or by a SHA-256 that is either the PDF's (a file someone holds)
 * or the content hash its QR code carries (a printed copy). Answers what the document says.
 */
export async function verifyDocument({
  ctx,
  input,
}: {
  ctx: DocumentContext;
  input: z.infer<typeof VerifyInput>;
}) {
  const rows = await ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) =>
      tx
        .select()
        .from(documents)
        .where(
          and(
            eq(documents.status, "issued"),
            "id" in input
              ? eq(documents.id, input.id)
              : or(eq(documents.sha256, input.sha256), eq(documents.contentHash, input.sha256)),
          ),
        )
        .limit(1),
    { readOnly: true },
  );
  const row = rows[0];
  ctx.deps.metrics.verifications.inc({ outcome: row ? "genuine" : "unknown" });
  if (!row) {
    return { genuine: false as const, matched: null, document: null };
  }
  const matched =
    "id" in input ? ("id" as const) : row.sha256 === input.sha256 ? ("pdf" as const) : ("content" as const);
  return { genuine: true as const, matched, document: documentView(row) };
}
