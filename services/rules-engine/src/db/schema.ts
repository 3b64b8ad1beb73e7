import { inboxTable, outboxTable } from "@vextrus/events";
import { id, tenantId, tenantIsolation, timestamps } from "@vextrus/platform/db";
import {
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgSchema,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import type { ActionInput, ConditionValue, FactCatalog, FactType, StoredDecision } from "../engine/model.ts";

export const rulesSchema = pgSchema("rules_engine");

export const ruleStatus = rulesSchema.enum("rule_status", ["draft", "active", "retired"]);
export const authority = rulesSchema.enum("authority", ["NBR", "RAJUK", "BIDA", "internal"]);
export const conditionKind = rulesSchema.enum("condition_kind", ["all", "any", "not", "fact"]);
export const actionKind = rulesSchema.enum("action_kind", [
  "set",
  "require_approval",
  "require_committee",
  "block",
  "flag",
]);

/** A rule set (tax.vat, purchase.approval, rajuk.building or a tenant's own) and its typed facts. */
export const ruleSets = rulesSchema
  .table(
    "rule_sets",
    {
      id: id(),
      tenantId: tenantId(),
      key: text("key").notNull(),
      name: text("name").notNull(),
      /** The facts rules may read, by name; facts may be added, never retyped. */
      facts: jsonb("facts").notNull().$type<FactCatalog>(),
      /** The built-in pack it was installed from, if any. */
      pack: text("pack"),
      ...timestamps(),
    },
    (t) => [
      unique("rule_sets_tenant_id_id_key").on(t.tenantId, t.id),
      unique("rule_sets_tenant_id_key_key").on(t.tenantId, t.key),
      tenantIsolation(),
    ],
  )
  .enableRLS();

/** A rule's identity within its set; its content lives in immutable versions. */
export const rules = rulesSchema
  .table(
    "rules",
    {
      id: id(),
      tenantId: tenantId(),
      ruleSetId: uuid("rule_set_id").notNull(),
      key: text("key").notNull(),
      currentVersion: integer("current_version").notNull().default(1),
      ...timestamps(),
    },
    (t) => [
      unique("rules_tenant_id_id_key").on(t.tenantId, t.id),
      unique("rules_tenant_id_rule_set_id_key_key").on(t.tenantId, t.ruleSetId, t.key),
      foreignKey({
        name: "rules_rule_set_fk",
        columns: [t.tenantId, t.ruleSetId],
        foreignColumns: [ruleSets.tenantId, ruleSets.id],
      }),
      tenantIsolation(),
    ],
  )
  .enableRLS();

/** One saved state of a rule. Never updated: every change inserts the next version. */
export const ruleVersions = rulesSchema
  .table(
    "rule_versions",
    {
      id: id(),
      tenantId: tenantId(),
      ruleId: uuid("rule_id").notNull(),
      version: integer("version").notNull(),
      name: text("name").notNull(),
      description: text("description"),
      priority: integer("priority").notNull(),
      status: ruleStatus("status").notNull(),
      effectiveFrom: date("effective_from", { mode: "string" }).notNull(),
      effectiveTo: date("effective_to", { mode: "string" }),
      authority: authority("authority").notNull(),
      section: text("section").notNull(),
      /** The type of every fact this version reads, frozen at save time. */
      factTypes: jsonb("fact_types").notNull().$type<Record<string, FactType>>(),
      createdBy: text("created_by"),
      createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    },
    (t) => [
      unique("rule_versions_tenant_id_id_key").on(t.tenantId, t.id),
      unique("rule_versions_tenant_id_rule_id_version_key").on(t.tenantId, t.ruleId, t.version),
      foreignKey({
        name: "rule_versions_rule_fk",
        columns: [t.tenantId, t.ruleId],
        foreignColumns: [rules.tenantId, rules.id],
      }),
      tenantIsolation(),
    ],
  )
  .enableRLS();

/** The condition tree of a version, one row per node; `path` (`when.all.0.not`) places it in the tree. */
export const conditions = rulesSchema
  .table(
    "conditions",
    {
      id: id(),
      tenantId: tenantId(),
      ruleVersionId: uuid("rule_version_id").notNull(),
      path: text("path").notNull(),
      kind: conditionKind("kind").notNull(),
      fact: text("fact"),
      op: text("op"),
      /** `{ v: value }`: wrapped, because a bare JSON string would reach jsonb as text and could be re-read as a number. */
      value: jsonb("value").$type<{ v: ConditionValue }>(),
    },
    (t) => [
      unique("conditions_tenant_id_rule_version_id_path_key").on(t.tenantId, t.ruleVersionId, t.path),
      index("conditions_fact_idx").on(t.tenantId, t.fact),
      foreignKey({
        name: "conditions_rule_version_fk",
        columns: [t.tenantId, t.ruleVersionId],
        foreignColumns: [ruleVersions.tenantId, ruleVersions.id],
      }),
      tenantIsolation(),
    ],
  )
  .enableRLS();

/** The actions of a version, in order. */
export const actions = rulesSchema
  .table(
    "actions",
    {
      id: id(),
      tenantId: tenantId(),
      ruleVersionId: uuid("rule_version_id").notNull(),
      position: integer("position").notNull(),
      kind: actionKind("kind").notNull(),
      spec: jsonb("spec").notNull().$type<ActionInput>(),
    },
    (t) => [
      unique("actions_tenant_id_rule_version_id_position_key").on(t.tenantId, t.ruleVersionId, t.position),
      foreignKey({
        name: "actions_rule_version_fk",
        columns: [t.tenantId, t.ruleVersionId],
        foreignColumns: [ruleVersions.tenantId, ruleVersions.id],
      }),
      tenantIsolation(),
    ],
  )
  .enableRLS();

/** Every evaluation with its inputs and the exact versions it ran, so it can be replayed. */
export const evaluations = rulesSchema
  .table(
    "evaluations",
    {
      id: id(),
      tenantId: tenantId(),
      ruleSetId: uuid("rule_set_id").notNull(),
      facts: jsonb("facts").notNull().$type<Record<string, unknown>>(),
      at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
      ruleVersionIds: uuid("rule_version_ids").array().notNull(),
      /** The decision and the rules that fired; `replay` rebuilds the full trace. */
      result: jsonb("result").notNull().$type<StoredDecision>(),
      createdBy: text("created_by"),
      createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    },
    (t) => [
      unique("evaluations_tenant_id_id_key").on(t.tenantId, t.id),
      index("evaluations_recent_idx").on(t.tenantId, t.ruleSetId, t.id.desc()),
      foreignKey({
        name: "evaluations_rule_set_fk",
        columns: [t.tenantId, t.ruleSetId],
        foreignColumns: [ruleSets.tenantId, ruleSets.id],
      }),
      tenantIsolation(),
    ],
  )
  .enableRLS();

/** Events waiting for the relay (vextrus.rules.rule.*), written in the same transaction as the change. */
export const outbox = outboxTable(rulesSchema);
/** Events this service has applied (tenant created → packs installed). */
export const inbox = inboxTable(rulesSchema);
