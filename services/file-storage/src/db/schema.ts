import { outboxTable } from "@vextrus/events";
import { id, tenantId, tenantIsolation, timestamps, version } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  foreignKey,
  index,
  integer,
  pgPolicy,
  pgSchema,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

export const fileStorage = pgSchema("file_storage");

export const fileStatus = fileStorage.enum("file_status", ["pending", "available", "archived", "collected"]);

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const bytes = (name: string) => bigint(name, { mode: "number" });

/** Stored content, once per tenant and SHA-256: every file with the same bytes points here. */
export const blobs = fileStorage.table(
  "blobs",
  {
    id: id(),
    tenantId: tenantId(),
    sha256: text("sha256").notNull(),
    size: bytes("size").notNull(),
    /** `<tenantId>/<yyyy>/<mm>/<fileId>` of the upload that first stored these bytes. */
    key: text("key").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [
    unique("blobs_tenant_id_id_key").on(t.tenantId, t.id),
    unique("blobs_tenant_id_sha256_key").on(t.tenantId, t.sha256),
    tenantIsolation(),
  ],
);

/** A file as people know it: its name, type, where its bytes are, and its life cycle. */
export const files = fileStorage.table(
  "files",
  {
    id: id(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    contentType: text("content_type").notNull(),
    size: bytes("size").notNull(),
    sha256: text("sha256").notNull(),
    status: fileStatus("status").notNull().default("pending"),
    /** Where the upload goes; after completion, the blob's key (the same bytes may have come first). */
    key: text("key").notNull(),
    blobId: uuid("blob_id"),
    /** Multipart upload id while a large upload is pending. */
    uploadId: text("upload_id"),
    partSize: integer("part_size"),
    uploadExpiresAt: at("upload_expires_at").notNull(),
    /** Quota held for this pending upload (0 when the tenant stores the same bytes already). */
    reservedBytes: bytes("reserved_bytes").notNull().default(0),
    /** The first revision's id: every replacement of a file shares it. */
    lineageId: uuid("lineage_id").notNull(),
    revision: integer("revision").notNull().default(1),
    supersededAt: at("superseded_at"),
    legalHold: boolean("legal_hold").notNull().default(false),
    /** Since when nothing holds the file (no attachment); collected after the grace period. */
    unattachedSince: at("unattached_since"),
    createdBy: uuid("created_by").notNull(),
    completedAt: at("completed_at"),
    archivedAt: at("archived_at"),
    collectedAt: at("collected_at"),
    ...timestamps(),
    version: version(),
  },
  (t) => [
    unique("files_tenant_id_id_key").on(t.tenantId, t.id),
    foreignKey({
      name: "files_blob_fk",
      columns: [t.tenantId, t.blobId],
      foreignColumns: [blobs.tenantId, blobs.id],
    }),
    index("files_tenant_id_lineage_id_idx").on(t.tenantId, t.lineageId, t.revision),
    index("files_tenant_id_blob_id_idx").on(t.tenantId, t.blobId),
    index("files_collectable_idx").on(t.tenantId, t.status, t.unattachedSince).where(sql`legal_hold = false`),
    tenantIsolation(),
  ],
);

/** A file belongs to records of other services; it is visible to whoever may read one of them. */
export const attachments = fileStorage.table(
  "attachments",
  {
    id: id(),
    tenantId: tenantId(),
    fileId: uuid("file_id").notNull(),
    /** The owning service as the gateway names it (`workflow`, `organization`…). */
    service: text("service").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: uuid("entity_id").notNull(),
    attachedBy: uuid("attached_by").notNull(),
    attachedAt: at("attached_at").notNull().defaultNow(),
    detachedBy: uuid("detached_by"),
    detachedAt: at("detached_at"),
  },
  (t) => [
    foreignKey({
      name: "attachments_file_fk",
      columns: [t.tenantId, t.fileId],
      foreignColumns: [files.tenantId, files.id],
    }),
    uniqueIndex("attachments_active_key")
      .on(t.tenantId, t.fileId, t.service, t.entityType, t.entityId)
      .where(sql`detached_at is null`),
    index("attachments_tenant_id_entity_idx")
      .on(t.tenantId, t.service, t.entityType, t.entityId, t.fileId)
      .where(sql`detached_at is null`),
    tenantIsolation(),
  ],
);

/**
 * A tenant's quota in slots (see domain/quota.ts): each holds part of the tenant's free bytes, so
 * concurrent uploads take room from different rows instead of queueing on one. The sums of
 * `stored_bytes` and `reserved_bytes` over a tenant's slots are its stored and reserved bytes.
 */
export const usage = fileStorage.table(
  "usage",
  {
    tenantId: uuid("tenant_id").notNull(),
    slot: smallint("slot").notNull().default(0),
    storedBytes: bytes("stored_bytes").notNull().default(0),
    reservedBytes: bytes("reserved_bytes").notNull().default(0),
    /** This slot's share of the free bytes, balanced for `quota_bytes` (-1: not balanced yet). */
    freeBytes: bytes("free_bytes").notNull().default(0),
    quotaBytes: bytes("quota_bytes").notNull().default(-1),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "usage_pkey", columns: [t.tenantId, t.slot] }),
    tenantIsolation(),
    // The stored-bytes gauge sums every tenant in a privileged transaction.
    pgPolicy("platform_read", {
      as: "permissive",
      for: "select",
      using: sql`current_setting('app.platform', true) = 'on'`,
    }),
  ],
);

export const outbox = outboxTable(fileStorage);
