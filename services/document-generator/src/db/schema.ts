import { outboxTable } from "@vextrus/events";
import { id, tenantId, tenantIsolation, timestamps, version } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgSchema, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";

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

export const outbox = outboxTable(documentGenerator);
