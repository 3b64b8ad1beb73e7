import { outboxTable } from "@vextrus/events";
import { id, tenantId, tenantIsolation, timestamps, version } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import {
  index,
  integer,
  jsonb,
  pgPolicy,
  pgSchema,
  primaryKey,
  real,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

/** The service's PostgreSQL schema. Every table but the outbox is tenant-owned and FORCEs RLS. */
export const importExport = pgSchema("import_export");

/** The worker finds work across tenants (then acts inside each tenant's own transaction). */
const platformRead = () =>
  pgPolicy("platform_read", {
    as: "permissive",
    for: "select",
    using: sql`current_setting('app.platform', true) = 'on'`,
  });

export const importStatus = importExport.enum("import_status", [
  "staging",
  "ready",
  "applying",
  "applied",
  "rolling_back",
  "rolled_back",
  "failed",
]);

const lease = () => ({
  /** The replica working on it, until when (renewed per batch; a dead replica's lease runs out). */
  leaseOwner: text("lease_owner"),
  leaseUntil: timestamp("lease_until", { withTimezone: true, mode: "date" }),
});

/**
 * One spreadsheet on its way into a service: staged row by row, previewed, applied in batches,
 * perhaps rolled back. `createdBy` and `permissions` are what a job resumed later acts with.
 */
export const imports = importExport.table(
  "imports",
  {
    id: id(),
    tenantId: tenantId(),
    entity: text("entity").notNull(),
    fileId: uuid("file_id").notNull(),
    format: text("format", { enum: ["csv", "xlsx"] }),
    mode: text("mode", { enum: ["create", "upsert"] }).notNull(),
    keyColumn: text("key_column"),
    /** Header as written in the file → field; what was used, after the remembered and given mapping. */
    mapping: jsonb("mapping").$type<Record<string, string>>().notNull().default({}),
    /** The file's headers in their order (the errors file writes them back). */
    headers: text("headers").array().notNull().default(sql`'{}'::text[]`),
    unmappedHeaders: text("unmapped_headers").array().notNull().default(sql`'{}'::text[]`),
    status: importStatus("status").notNull().default("staging"),
    total: integer("total").notNull().default(0),
    /** Preview counts. */
    creates: integer("creates").notNull().default(0),
    updates: integer("updates").notNull().default(0),
    unchanged: integer("unchanged").notNull().default(0),
    errors: integer("errors").notNull().default(0),
    /** Progress of the running phase (staging, preview, apply or rollback): rows done of `phaseTotal`. */
    phase: text("phase"),
    done: integer("done").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    phaseTotal: integer("phase_total").notNull().default(0),
    rowsPerSecond: real("rows_per_second"),
    phaseStartedAt: timestamp("phase_started_at", { withTimezone: true, mode: "date" }),
    /** Apply resumes after this row (every row up to it is applied or failed). */
    cursor: integer("cursor").notNull().default(0),
    error: text("error"),
    createdBy: uuid("created_by").notNull(),
    permissions: text("permissions").array().notNull().default(sql`'{}'::text[]`),
    ...lease(),
    ...timestamps(),
    version: version(),
  },
  (t) => [
    index("imports_tenant_id_id_idx").on(t.tenantId, t.id),
    index("imports_status_idx").on(t.status),
    tenantIsolation(),
    platformRead(),
  ],
);

export const rowAction = importExport.enum("row_action", ["create", "update", "unchanged", "error"]);

/** A staged spreadsheet row: its cells as read, its values as mapped, what the preview said, what apply did. */
export const importRows = importExport.table(
  "import_rows",
  {
    tenantId: tenantId(),
    importId: uuid("import_id").notNull(),
    rowNo: integer("row_no").notNull(),
    /** The row's cells as in the file, in the order of the import's `headers` (the errors file gives them back). */
    raw: jsonb("raw").$type<string[]>().notNull(),
    values: jsonb("values").$type<Record<string, unknown>>().notNull(),
    /** The key column's value, normalised (duplicates within one file are refused). */
    key: text("key"),
    action: rowAction("action"),
    targetId: uuid("target_id"),
    targetVersion: integer("target_version"),
    diff: jsonb("diff").$type<{ field: string; from: unknown; to: unknown }[]>(),
    errors: jsonb("errors").$type<{ column: string; code: string; en: string; bn: string }[]>(),
    /** Set when apply has run it: applied, or failed (errors say why). */
    outcome: text("outcome", { enum: ["applied", "failed"] }),
    recordId: uuid("record_id"),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.importId, t.rowNo] }), tenantIsolation()],
);

/** The column mapping a tenant used last for an entity: offered again on its next import. */
export const importMappings = importExport.table(
  "import_mappings",
  {
    tenantId: tenantId(),
    entity: text("entity").notNull(),
    mapping: jsonb("mapping").$type<Record<string, string>>().notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.entity] }), tenantIsolation()],
);

export const exportStatus = importExport.enum("export_status", ["pending", "running", "done", "failed"]);

/** One spreadsheet written from a service's records into file storage. */
export const exportsTable = importExport.table(
  "exports",
  {
    id: id(),
    tenantId: tenantId(),
    entity: text("entity").notNull(),
    format: text("format", { enum: ["csv", "xlsx"] }).notNull(),
    filter: jsonb("filter").$type<Record<string, unknown>>().notNull().default({}),
    columns: text("columns").array().notNull(),
    locale: text("locale", { enum: ["en", "bn"] }).notNull(),
    status: exportStatus("status").notNull().default("pending"),
    rows: integer("rows").notNull().default(0),
    rowsPerSecond: real("rows_per_second"),
    fileId: uuid("file_id"),
    error: text("error"),
    createdBy: uuid("created_by").notNull(),
    permissions: text("permissions").array().notNull().default(sql`'{}'::text[]`),
    ...lease(),
    ...timestamps(),
    version: version(),
  },
  (t) => [index("exports_tenant_id_id_idx").on(t.tenantId, t.id), tenantIsolation(), platformRead()],
);

/** Events written in the same transaction as the change they describe; the relay publishes them. */
export const outbox = outboxTable(importExport);
