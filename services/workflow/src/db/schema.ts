import { inboxTable, outboxTable } from "@vextrus/events";
import { knownUsersTable } from "@vextrus/known-users";
import { id, tenantId, tenantIsolation, timestamps, version } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import {
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgPolicy,
  pgSchema,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";

export const workflow = pgSchema("workflow");

export const processStatus = workflow.enum("process_status", [
  "in_progress",
  "approved",
  "rejected",
  "returned",
]);
export const taskStatus = workflow.enum("task_status", [
  "waiting",
  "pending",
  "approved",
  "rejected",
  "returned",
  "cancelled",
]);
export const stepKind = workflow.enum("step_kind", ["approver", "committee"]);
export const assignmentReason = workflow.enum("assignment_reason", ["routed", "escalated"]);

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** An N-of-M committee a definition can call on: `required` of `members` must approve. */
export interface Committee {
  name: string;
  members: string[];
}

/** One link of the initiator's reporting chain, as organization answered when the round started. */
export interface ChainLinkSnapshot {
  level: number;
  userId: string;
  designation: { id: string; name: string; nameBn: string | null; rank: number; approvalLimit: string };
}

/** What the rules engine decided for a round: evaluation ids, outputs (taxes…), actions. */
export interface RulesSnapshot {
  evaluations: { ruleSet: string; evaluationId: string }[];
  outputs: Record<string, string | number | boolean>;
  requiredRank: number;
  committees: { name: string; required: number; of: number }[];
  flags: string[];
}

/** A versioned approval process definition: a change is a new version, old processes keep theirs. */
export const definitions = workflow.table(
  "definitions",
  {
    id: id(),
    tenantId: tenantId(),
    key: text("key").notNull(),
    version: integer("version").notNull(),
    name: text("name").notNull(),
    nameBn: text("name_bn"),
    ruleSets: jsonb("rule_sets").$type<string[]>().notNull(),
    slaHours: integer("sla_hours").notNull(),
    committees: jsonb("committees").$type<Committee[]>().notNull(),
    createdBy: uuid("created_by").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [
    unique("definitions_tenant_id_id_key").on(t.tenantId, t.id),
    unique("definitions_tenant_id_key_version_key").on(t.tenantId, t.key, t.version),
    tenantIsolation(),
  ],
);

/** One request travelling up the hierarchy (a purchase requisition…); `round` grows on resubmission. */
export const processes = workflow.table(
  "processes",
  {
    id: id(),
    tenantId: tenantId(),
    definitionId: uuid("definition_id").notNull(),
    subject: text("subject").notNull(),
    amount: numeric("amount", { precision: 18, scale: 2 }).notNull(),
    departmentId: uuid("department_id").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    initiatorId: uuid("initiator_id").notNull(),
    status: processStatus("status").notNull().default("in_progress"),
    round: integer("round").notNull().default(1),
    chain: jsonb("chain").$type<ChainLinkSnapshot[]>().notNull(),
    rules: jsonb("rules").$type<RulesSnapshot>().notNull(),
    completedAt: at("completed_at"),
    ...timestamps(),
    version: version(),
  },
  (t) => [
    unique("processes_tenant_id_id_key").on(t.tenantId, t.id),
    foreignKey({
      name: "processes_definition_fk",
      columns: [t.tenantId, t.definitionId],
      foreignColumns: [definitions.tenantId, definitions.id],
    }),
    index("processes_tenant_id_status_idx").on(t.tenantId, t.status, t.id),
    index("processes_tenant_id_initiator_id_idx").on(t.tenantId, t.initiatorId, t.id),
    tenantIsolation(),
  ],
);

/** One person's decision at one step of one round. A committee step has one task per member. */
export const tasks = workflow.table(
  "tasks",
  {
    id: id(),
    tenantId: tenantId(),
    processId: uuid("process_id").notNull(),
    round: integer("round").notNull(),
    step: integer("step").notNull(),
    kind: stepKind("kind").notNull(),
    committeeName: text("committee_name"),
    /** Approvals the step needs: 1 for an approver, N for an N-of-M committee. */
    required: integer("required").notNull().default(1),
    assigneeId: uuid("assignee_id").notNull(),
    /** The assignee's level in the initiator's chain (approver steps), so escalation knows who is next. */
    chainLevel: integer("chain_level"),
    status: taskStatus("status").notNull(),
    dueAt: at("due_at"),
    activatedAt: at("activated_at"),
    decidedBy: uuid("decided_by"),
    decidedAt: at("decided_at"),
    comment: text("comment"),
    escalations: integer("escalations").notNull().default(0),
    ...timestamps(),
    version: version(),
  },
  (t) => [
    unique("tasks_tenant_id_id_key").on(t.tenantId, t.id),
    foreignKey({
      name: "tasks_process_fk",
      columns: [t.tenantId, t.processId],
      foreignColumns: [processes.tenantId, processes.id],
    }),
    index("tasks_tenant_id_assignee_id_status_idx").on(t.tenantId, t.assigneeId, t.status),
    index("tasks_tenant_id_process_id_round_step_idx").on(t.tenantId, t.processId, t.round, t.step),
    index("tasks_status_due_at_idx").on(t.status, t.dueAt),
    tenantIsolation(),
    // The pending-tasks gauge counts across tenants in a privileged transaction.
    pgPolicy("platform_read", {
      as: "permissive",
      for: "select",
      using: sql`current_setting('app.platform', true) = 'on'`,
    }),
  ],
);

/** Who has held a task, and why (the route, or an escalation). */
export const assignments = workflow.table(
  "assignments",
  {
    id: id(),
    tenantId: tenantId(),
    taskId: uuid("task_id").notNull(),
    userId: uuid("user_id").notNull(),
    reason: assignmentReason("reason").notNull(),
    assignedAt: at("assigned_at").notNull().defaultNow(),
    endedAt: at("ended_at"),
  },
  (t) => [
    foreignKey({
      name: "assignments_task_fk",
      columns: [t.tenantId, t.taskId],
      foreignColumns: [tasks.tenantId, tasks.id],
    }),
    index("assignments_tenant_id_task_id_idx").on(t.tenantId, t.taskId),
    tenantIsolation(),
  ],
);

/** A user letting another act for them until a time: on one task, or on all (task_id null). */
export const delegations = workflow.table(
  "delegations",
  {
    id: id(),
    tenantId: tenantId(),
    fromUserId: uuid("from_user_id").notNull(),
    toUserId: uuid("to_user_id").notNull(),
    taskId: uuid("task_id"),
    validUntil: at("valid_until").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "delegations_task_fk",
      columns: [t.tenantId, t.taskId],
      foreignColumns: [tasks.tenantId, tasks.id],
    }),
    index("delegations_tenant_id_to_user_id_idx").on(t.tenantId, t.toUserId, t.validUntil),
    index("delegations_tenant_id_from_user_id_idx").on(t.tenantId, t.fromUserId, t.validUntil),
    tenantIsolation(),
  ],
);

/** The trail: every step of every process, who did it, when and why. Append-only. */
export const transitions = workflow.table(
  "transitions",
  {
    id: id(),
    tenantId: tenantId(),
    processId: uuid("process_id").notNull(),
    taskId: uuid("task_id"),
    round: integer("round").notNull(),
    action: text("action").notNull(),
    actorId: uuid("actor_id"),
    fromStatus: text("from_status"),
    toStatus: text("to_status"),
    comment: text("comment"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    at: at("at").notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "transitions_process_fk",
      columns: [t.tenantId, t.processId],
      foreignColumns: [processes.tenantId, processes.id],
    }),
    foreignKey({
      name: "transitions_task_fk",
      columns: [t.tenantId, t.taskId],
      foreignColumns: [tasks.tenantId, tasks.id],
    }),
    index("transitions_tenant_id_process_id_idx").on(t.tenantId, t.processId, t.id),
    tenantIsolation(),
  ],
);

/** Events written in the same transaction as the change they describe; the relay publishes them. */
export const outbox = outboxTable(workflow);
/** auth's user events this service has applied (the known-users projection's consumer). */
export const inbox = inboxTable(workflow);
/** auth's users of each tenant, as far as committees and delegations need them (@vextrus/known-users). */
export const knownUsers = knownUsersTable(workflow);
