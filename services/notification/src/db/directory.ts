import { id, tenantId, tenantIsolation } from "@vextrus/platform/db";
import {
  boolean,
  index,
  integer,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";

// The service's own copy of who people are and where they sit, kept from other services' events
// (a service never reads another's schema): whom to tell, and at which address.
const notification = pgSchema("notification");
const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * A user's addresses, from auth's user events. `version` is auth's user version when the event
 * carried it, so an older event arriving late does not undo a newer one.
 */
export const contacts = notification.table(
  "contacts",
  {
    tenantId: tenantId(),
    userId: uuid("user_id").notNull(),
    name: text("name"),
    email: text("email"),
    mobile: text("mobile"),
    emailVerified: boolean("email_verified").notNull().default(false),
    mobileVerified: boolean("mobile_verified").notNull().default(false),
    /** Deactivated users are told nothing. */
    active: boolean("active").notNull().default(true),
    version: integer("version").notNull().default(0),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "contacts_pkey", columns: [t.tenantId, t.userId] }), tenantIsolation()],
);

/** Which roles a user holds, from auth's invitation and role-assignment events. */
export const userRoles = notification.table(
  "user_roles",
  {
    tenantId: tenantId(),
    userId: uuid("user_id").notNull(),
    roleId: uuid("role_id").notNull(),
  },
  (t) => [
    primaryKey({ name: "user_roles_pkey", columns: [t.tenantId, t.userId, t.roleId] }),
    index("user_roles_role_idx").on(t.tenantId, t.roleId),
    tenantIsolation(),
  ],
);

/**
 * Where a user sits and the job title they hold there, from organization's membership events (one
 * membership per user; `designation_id` is null for rows recorded before it was kept).
 */
export const memberships = notification.table(
  "memberships",
  {
    tenantId: tenantId(),
    id: uuid("id").notNull(),
    userId: uuid("user_id").notNull(),
    departmentId: uuid("department_id").notNull(),
    designationId: uuid("designation_id"),
    archived: boolean("archived").notNull().default(false),
  },
  (t) => [
    primaryKey({ name: "memberships_pkey", columns: [t.tenantId, t.id] }),
    index("memberships_department_idx").on(t.tenantId, t.departmentId),
    index("memberships_designation_idx").on(t.tenantId, t.designationId),
    tenantIsolation(),
  ],
);

/** Who started each workflow process, from `instance.started`: the initiator hears its outcome. */
export const processes = notification.table(
  "processes",
  {
    tenantId: tenantId(),
    id: uuid("id").notNull(),
    initiatorId: uuid("initiator_id").notNull(),
    subject: text("subject").notNull(),
  },
  (t) => [primaryKey({ name: "processes_pkey", columns: [t.tenantId, t.id] }), tenantIsolation()],
);

/**
 * A tenant's standing order "also tell this role's holders / the members of this department / the
 * holders of this designation" for one kind of message (e.g. every approved process to the accounts
 * department).
 */
export const subscriptions = notification.table(
  "subscriptions",
  {
    id: id(),
    tenantId: tenantId(),
    templateKey: text("template_key").notNull(),
    kind: text("kind", { enum: ["role", "department", "designation"] }).notNull(),
    targetId: uuid("target_id").notNull(),
    createdBy: uuid("created_by").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [
    unique("subscriptions_target_key").on(t.tenantId, t.templateKey, t.kind, t.targetId),
    tenantIsolation(),
  ],
);
