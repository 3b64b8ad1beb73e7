import { outboxTable } from "@vextrus/events";
import { id, tenantId, tenantIsolation, timestamps, version } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import {
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";

export const documentGenerator = pgSchema("document_generator");

export const documentStatus = documentGenerator.enum("document_status", ["pending", "issued"]);

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** What an issued document says, for lists and verification without opening the PDF. */
export interface DocumentSummary {
  sellerBin?: string;
  buyerBin?: string;
  /** Total including all taxes, a two-decimal string. */
  total?: string;
  parties?: string[];
}

/**
 * A document issued by a tenant: which template and version made it, the SHA-256 of the PDF that
 * file storage keeps (immutable), and the hash of its content that its QR code carries.
 * `pending` while its PDF is on the way to file storage; `issued` once stored.
 */
export const documents = documentGenerator.table(
  "documents",
  {
    id: id(),
    tenantId: tenantId(),
    template: text("template").notNull(),
    templateVersion: integer("template_version").notNull(),
    /** The document's own number (the invoice number), unique per tenant and template. */
    number: text("number").notNull(),
    locale: text("locale").notNull(),
    status: documentStatus("status").notNull().default("pending"),
    /** SHA-256 of the canonical content (template, version, data, taxes, time): printed in the QR code. */
    contentHash: text("content_hash").notNull(),
    /** SHA-256 of the stored PDF bytes. */
    sha256: text("sha256").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    pages: integer("pages").notNull(),
    fileId: uuid("file_id"),
    summary: jsonb("summary").$type<DocumentSummary>().notNull(),
    /** rules-engine evaluations that computed the taxes (replayable there). */
    evaluationIds: jsonb("evaluation_ids").$type<string[]>().notNull(),
    /** The moment printed on the document (server clock). */
    issuedAt: at("issued_at").notNull(),
    issuedBy: uuid("issued_by").notNull(),
    ...timestamps(),
    version: version(),
  },
  (t) => [
    unique("documents_tenant_id_template_number_key").on(t.tenantId, t.template, t.number),
    index("documents_tenant_id_sha256_idx").on(t.tenantId, t.sha256),
    index("documents_tenant_id_content_hash_idx").on(t.tenantId, t.contentHash),
    index("documents_tenant_id_created_at_idx").on(t.tenantId, t.createdAt, t.id),
    index("documents_pending_idx").on(t.tenantId, t.createdAt).where(sql`status = 'pending'`),
    tenantIsolation(),
  ],
);

/**
 * A tenant's letterhead, printed at the top of every document it renders: its name, a few lines
 * (address, phone, BIN) and a logo. The logo was uploaded to file-storage; its bytes are copied here
 * when set (PNG or JPEG, at most 1 MB), so rendering never waits on another service.
 */
export const letterheads = documentGenerator.table(
  "letterheads",
  {
    id: id(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    lines: jsonb("lines").$type<string[]>().notNull(),
    logoFileId: uuid("logo_file_id"),
    logoSha256: text("logo_sha256"),
    /** `png` or `jpg`. */
    logoType: text("logo_type"),
    /** The logo's bytes, base64. */
    logo: text("logo"),
    ...timestamps(),
    version: version(),
  },
  (t) => [unique("letterheads_tenant_id_key").on(t.tenantId), tenantIsolation()],
);

/**
 * A tenant's wording of one template's labels (`documents.texts.set`), per locale: printed on every
 * document of that template the tenant renders from then on (plain text, never markup).
 */
export const textOverrides = documentGenerator.table(
  "text_overrides",
  {
    id: id(),
    tenantId: tenantId(),
    template: text("template").notNull(),
    texts: jsonb("texts").$type<{ bn: Record<string, string>; en: Record<string, string> }>().notNull(),
    ...timestamps(),
    version: version(),
  },
  (t) => [unique("text_overrides_tenant_id_template_key").on(t.tenantId, t.template), tenantIsolation()],
);

export const batchStatus = documentGenerator.enum("batch_status", ["running", "completed"]);
export const batchItemStatus = documentGenerator.enum("batch_item_status", ["pending", "issued", "failed"]);

/**
 * Many documents of one template issued as a job (`documents.batch`). Its items wait in
 * `batch_items`; whoever holds the lease (`lease_until` in the future) issues them. When none is
 * pending, the issued PDFs are put in one ZIP in file-storage and the batch is completed.
 */
export const batches = documentGenerator.table(
  "batches",
  {
    id: id(),
    tenantId: tenantId(),
    template: text("template").notNull(),
    locale: text("locale").notNull(),
    status: batchStatus("status").notNull().default("running"),
    total: integer("total").notNull(),
    done: integer("done").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    leaseUntil: at("lease_until"),
    /** The ZIP of the issued PDFs in file-storage, once completed. */
    resultFileId: uuid("result_file_id"),
    resultSha256: text("result_sha256"),
    createdBy: uuid("created_by").notNull(),
    completedAt: at("completed_at"),
    ...timestamps(),
    version: version(),
  },
  (t) => [index("batches_tenant_id_created_at_idx").on(t.tenantId, t.createdAt, t.id), tenantIsolation()],
);

export interface BatchItemError {
  code: string;
  message: string;
  field?: string;
}

/** One document of a batch: the request as given, then the document issued or why not. */
export const batchItems = documentGenerator.table(
  "batch_items",
  {
    tenantId: tenantId(),
    batchId: uuid("batch_id").notNull(),
    position: integer("position").notNull(),
    request: jsonb("request").$type<Record<string, unknown>>().notNull(),
    status: batchItemStatus("status").notNull().default("pending"),
    documentId: uuid("document_id"),
    error: jsonb("error").$type<BatchItemError>(),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ name: "batch_items_pkey", columns: [t.tenantId, t.batchId, t.position] }),
    index("batch_items_pending_idx").on(t.tenantId, t.batchId, t.position).where(sql`status = 'pending'`),
    tenantIsolation(),
  ],
);

export const outbox = outboxTable(documentGenerator);
