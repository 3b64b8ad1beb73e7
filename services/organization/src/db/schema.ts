import { inboxTable, outboxTable } from "@vextrus/events";
import { knownUsersTable } from "@vextrus/known-users";
import { id, tenantId, tenantIsolation, timestamps, version } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import {
  foreignKey,
  index,
  integer,
  numeric,
  pgPolicy,
  pgSchema,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";

export const organization = pgSchema("organization");

export const tenantStatus = organization.enum("tenant_status", ["active", "suspended"]);

const archivedAt = () => timestamp("archived_at", { withTimezone: true, mode: "date" });

/** A customer of Vextrus. Its id is the tenant id every other row carries. */
export const tenants = organization.table(
  "tenants",
  {
    id: id(),
    slug: text("slug").notNull().unique("tenants_slug_key"),
    legalName: text("legal_name").notNull(),
    legalNameBn: text("legal_name_bn"),
    tradeLicenceNo: text("trade_licence_no"),
    bin: text("bin"),
    etin: text("etin"),
    status: tenantStatus("status").notNull().default("active"),
    ...timestamps(),
    version: version(),
  },
  () => [
    pgPolicy("tenant_isolation", {
      as: "permissive",
      for: "all",
      using: sql`id = nullif(current_setting('app.tenant_id', true), '')::uuid`,
      withCheck: sql`id = nullif(current_setting('app.tenant_id', true), '')::uuid`,
    }),
    // Platform work (operators listing tenants, metrics) reads across tenants in a privileged transaction.
    pgPolicy("platform_read", {
      as: "permissive",
      for: "select",
      using: sql`current_setting('app.platform', true) = 'on'`,
    }),
  ],
);

export const companies = organization.table(
  "companies",
  {
    id: id(),
    tenantId: tenantId(),
    parentId: uuid("parent_id"),
    name: text("name").notNull(),
    nameBn: text("name_bn"),
    tradeLicenceNo: text("trade_licence_no"),
    bin: text("bin"),
    etin: text("etin"),
    archivedAt: archivedAt(),
    ...timestamps(),
    version: version(),
  },
  (t) => [
    unique("companies_tenant_id_id_key").on(t.tenantId, t.id),
    foreignKey({
      name: "companies_parent_fk",
      columns: [t.tenantId, t.parentId],
      foreignColumns: [t.tenantId, t.id],
    }),
    index("companies_tenant_id_idx").on(t.tenantId, t.id),
    tenantIsolation(),
  ],
);

export const branches = organization.table(
  "branches",
  {
    id: id(),
    tenantId: tenantId(),
    companyId: uuid("company_id").notNull(),
    name: text("name").notNull(),
    nameBn: text("name_bn"),
    address: text("address"),
    district: text("district"),
    postcode: text("postcode"),
    archivedAt: archivedAt(),
    ...timestamps(),
    version: version(),
  },
  (t) => [
    foreignKey({
      name: "branches_company_fk",
      columns: [t.tenantId, t.companyId],
      foreignColumns: [companies.tenantId, companies.id],
    }),
    index("branches_company_id_idx").on(t.tenantId, t.companyId),
    tenantIsolation(),
  ],
);

export const departments = organization.table(
  "departments",
  {
    id: id(),
    tenantId: tenantId(),
    companyId: uuid("company_id").notNull(),
    parentId: uuid("parent_id"),
    code: text("code"),
    name: text("name").notNull(),
    nameBn: text("name_bn"),
    archivedAt: archivedAt(),
    ...timestamps(),
    version: version(),
  },
  (t) => [
    unique("departments_tenant_id_id_key").on(t.tenantId, t.id),
    foreignKey({
      name: "departments_company_fk",
      columns: [t.tenantId, t.companyId],
      foreignColumns: [companies.tenantId, companies.id],
    }),
    foreignKey({
      name: "departments_parent_fk",
      columns: [t.tenantId, t.parentId],
      foreignColumns: [t.tenantId, t.id],
    }),
    index("departments_parent_id_idx").on(t.tenantId, t.parentId),
    tenantIsolation(),
  ],
);

/** A job title with a rank (higher is more senior) and the amount its holder may approve alone. */
export const designations = organization.table(
  "designations",
  {
    id: id(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    nameBn: text("name_bn"),
    rank: integer("rank").notNull(),
    approvalLimit: numeric("approval_limit", { precision: 18, scale: 2 }).notNull().default("0"),
    archivedAt: archivedAt(),
    ...timestamps(),
    version: version(),
  },
  (t) => [unique("designations_tenant_id_id_key").on(t.tenantId, t.id), tenantIsolation()],
);

/** A person's place in the tenant: one membership per user, with whom they report to. */
export const memberships = organization.table(
  "memberships",
  {
    id: id(),
    tenantId: tenantId(),
    userId: uuid("user_id").notNull(),
    companyId: uuid("company_id").notNull(),
    departmentId: uuid("department_id").notNull(),
    designationId: uuid("designation_id").notNull(),
    reportsToUserId: uuid("reports_to_user_id"),
    archivedAt: archivedAt(),
    ...timestamps(),
    version: version(),
  },
  (t) => [
    unique("memberships_tenant_id_user_id_key").on(t.tenantId, t.userId),
    foreignKey({
      name: "memberships_company_fk",
      columns: [t.tenantId, t.companyId],
      foreignColumns: [companies.tenantId, companies.id],
    }),
    foreignKey({
      name: "memberships_department_fk",
      columns: [t.tenantId, t.departmentId],
      foreignColumns: [departments.tenantId, departments.id],
    }),
    foreignKey({
      name: "memberships_designation_fk",
      columns: [t.tenantId, t.designationId],
      foreignColumns: [designations.tenantId, designations.id],
    }),
    foreignKey({
      name: "memberships_reports_to_fk",
      columns: [t.tenantId, t.reportsToUserId],
      foreignColumns: [t.tenantId, t.userId],
    }),
    index("memberships_reports_to_idx").on(t.tenantId, t.reportsToUserId),
    tenantIsolation(),
  ],
);

/** Events waiting for the relay: every state change above writes one in its own transaction. */
export const outbox = outboxTable(organization);
/** auth's user events this service has applied (the known-users projection's consumer). */
export const inbox = inboxTable(organization);
/** auth's users of each tenant, as far as memberships need them (@vextrus/known-users). */
export const knownUsers = knownUsersTable(organization);
