import { id, tenantId, tenantIsolation, timestamps, version } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import {
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  text,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { Address } from "../domain/parties/values.ts";
import { archivedAt, masterData } from "./common.ts";

export const projectKind = masterData.enum("project_kind", ["construction", "real_estate"]);
export const projectStatus = masterData.enum("project_status", [
  "planned",
  "active",
  "on_hold",
  "completed",
  "cancelled",
]);
export const approvalAuthority = masterData.enum("approval_authority", [
  "rajuk",
  "cda",
  "kda",
  "rda",
  "other",
]);
export const landUnit = masterData.enum("land_unit", ["sft", "katha", "decimal", "acre"]);
export const flatFacing = masterData.enum("flat_facing", [
  "north",
  "south",
  "east",
  "west",
  "north_east",
  "north_west",
  "south_east",
  "south_west",
]);
export const flatStatus = masterData.enum("flat_status", ["available", "booked", "sold"]);

/** A construction or real-estate project of one company (organization's company id). */
export const projects = masterData.table(
  "projects",
  {
    id: id(),
    tenantId: tenantId(),
    companyId: uuid("company_id").notNull(),
    code: text("code").notNull(),
    kind: projectKind("kind").notNull(),
    name: text("name").notNull(),
    nameBn: text("name_bn"),
    siteAddress: jsonb("site_address").$type<Address>(),
    approvalAuthority: approvalAuthority("approval_authority"),
    approvalRef: text("approval_ref"),
    approvalDate: date("approval_date", { mode: "string" }),
    plotSize: numeric("plot_size", { precision: 16, scale: 4 }),
    plotUnit: landUnit("plot_unit"),
    /** The plot in square feet, computed exactly by @vextrus/bd from size and unit. */
    plotSizeSft: numeric("plot_size_sft", { precision: 22, scale: 5 }),
    budget: numeric("budget", { precision: 18, scale: 2 }),
    startDate: date("start_date", { mode: "string" }),
    endDate: date("end_date", { mode: "string" }),
    status: projectStatus("status").notNull().default("planned"),
    /** The project manager: organization's membership id (a user in the company), stored as given. */
    managerMembershipId: uuid("manager_membership_id"),
    archivedAt: archivedAt(),
    ...timestamps(),
    version: version(),
  },
  (t) => [
    unique("projects_tenant_id_id_key").on(t.tenantId, t.id),
    unique("projects_tenant_id_code_key").on(t.tenantId, t.code),
    check(
      "projects_dates_ordered",
      sql`${t.endDate} is null or ${t.startDate} is null or ${t.endDate} >= ${t.startDate}`,
    ),
    check("projects_budget_non_negative", sql`${t.budget} >= 0`),
    index("projects_company_id_idx").on(t.tenantId, t.companyId, t.id),
    tenantIsolation(),
  ],
);

/** Real-estate inventory: one flat (or shop, or plot) of a project, by phase, block, floor and number. */
export const flats = masterData.table(
  "flats",
  {
    id: id(),
    tenantId: tenantId(),
    projectId: uuid("project_id").notNull(),
    phase: text("phase"),
    block: text("block"),
    floor: integer("floor").notNull(),
    flatNo: text("flat_no").notNull(),
    sizeSft: numeric("size_sft", { precision: 12, scale: 2 }).notNull(),
    facing: flatFacing("facing"),
    price: numeric("price", { precision: 18, scale: 2 }).notNull(),
    status: flatStatus("status").notNull().default("available"),
    ...timestamps(),
    version: version(),
  },
  (t) => [
    foreignKey({
      name: "flats_project_fk",
      columns: [t.tenantId, t.projectId],
      foreignColumns: [projects.tenantId, projects.id],
    }),
    uniqueIndex("flats_project_block_flat_no_key").on(
      t.tenantId,
      t.projectId,
      sql`coalesce(${t.block}, '')`,
      t.flatNo,
    ),
    check("flats_size_price_positive", sql`${t.sizeSft} > 0 and ${t.price} >= 0`),
    index("flats_project_id_idx").on(t.tenantId, t.projectId, t.id),
    tenantIsolation(),
  ],
);
