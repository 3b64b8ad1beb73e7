import type { z } from "zod";
import { auditChainEvents } from "./payloads/audit.ts";
import {
  authApiKeyEvents,
  authRoleEvents,
  authSessionEvents,
  authSigningKeyEvents,
  authUserEvents,
} from "./payloads/auth.ts";
import type { EventDefinition } from "./payloads/common.ts";
import { configFeatureFlagEvents, configSettingEvents } from "./payloads/config.ts";
import {
  documentBatchEvents,
  documentDocumentEvents,
  documentRenderEvents,
  documentTemplateEvents,
} from "./payloads/document.ts";
import { fileObjectEvents } from "./payloads/file.ts";
import { gatewayAccessEvents } from "./payloads/gateway.ts";
import { importExportJobEvents } from "./payloads/import-export.ts";
import {
  masterDataAccountEvents,
  masterDataFlatEvents,
  masterDataItemEvents,
  masterDataPartyEvents,
  masterDataProjectEvents,
  masterDataSeriesEvents,
  masterDataUnitEvents,
} from "./payloads/master-data.ts";
import {
  notificationAddressEvents,
  notificationDeliveryEvents,
  notificationPreferenceEvents,
  notificationSmsPriceEvents,
  notificationSubscriptionEvents,
  notificationTemplateEvents,
  notificationWebhookEvents,
} from "./payloads/notification.ts";
import {
  organizationBranchEvents,
  organizationCompanyEvents,
  organizationDepartmentEvents,
  organizationDesignationEvents,
  organizationMembershipEvents,
  organizationTenantEvents,
} from "./payloads/organization.ts";
import { rulesEvaluationEvents, rulesRuleEvents } from "./payloads/rules.ts";
import { schedulerJobEvents } from "./payloads/scheduler.ts";
import { workflowDefinitionEvents, workflowInstanceEvents, workflowTaskEvents } from "./payloads/workflow.ts";

/** The thirteen services of Vextrus. */
export const SERVICES = [
  "auth",
  "organization",
  "master-data",
  "workflow",
  "rules-engine",
  "audit",
  "notification",
  "file-storage",
  "document-generator",
  "scheduler",
  "configuration",
  "import-export",
  "gateway",
] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface TopicDefinition {
  /** `vextrus.<service>.<entity>`; its dead-letter topic is `<name>.dlq`. */
  name: string;
  /** The only service that publishes to it. */
  owner: ServiceName;
  partitions: number;
  retentionMs: number;
  /** Event types carried, each with its versioned payload schema. */
  events: Readonly<Record<string, EventDefinition>>;
  /** Services with a consumer group on it (the audit service consumes every topic). */
  consumers: readonly ServiceName[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Long enough to ride out a long weekend of a consumer being down. */
const RETENTION_MS = 7 * DAY_MS;
export const DLQ_RETENTION_MS = 30 * DAY_MS;
export const DLQ_PARTITIONS = 1;

const topic = (
  name: string,
  owner: ServiceName,
  events: Readonly<Record<string, EventDefinition>>,
  options: { partitions?: number; retentionDays?: number; consumers?: readonly ServiceName[] } = {},
): TopicDefinition => ({
  name,
  owner,
  partitions: options.partitions ?? 3,
  retentionMs: options.retentionDays ? options.retentionDays * DAY_MS : RETENTION_MS,
  events,
  consumers: ["audit", ...(options.consumers ?? [])],
});

/** Every topic of Vextrus: who owns it, how it is sized, what it carries and who listens. */
export const TOPICS: readonly TopicDefinition[] = [
  topic("vextrus.auth.user", "auth", authUserEvents, {
    partitions: 6,
    consumers: ["notification", "organization", "workflow"],
  }),
  topic("vextrus.auth.session", "auth", authSessionEvents, { partitions: 6 }),
  topic("vextrus.auth.role", "auth", authRoleEvents),
  topic("vextrus.auth.api_key", "auth", authApiKeyEvents),
  topic("vextrus.auth.signing_key", "auth", authSigningKeyEvents, { partitions: 1, retentionDays: 30 }),
  // Configuration needs no copy of tenants: defaults live in code and values are keyed by tenant id.
  topic("vextrus.organization.tenant", "organization", organizationTenantEvents, {
    consumers: ["auth", "scheduler"],
  }),
  topic("vextrus.organization.company", "organization", organizationCompanyEvents),
  topic("vextrus.organization.branch", "organization", organizationBranchEvents),
  topic("vextrus.organization.department", "organization", organizationDepartmentEvents),
  topic("vextrus.organization.designation", "organization", organizationDesignationEvents, {
    consumers: ["workflow"],
  }),
  topic("vextrus.organization.membership", "organization", organizationMembershipEvents, {
    consumers: ["workflow", "notification"],
  }),
  topic("vextrus.master_data.party", "master-data", masterDataPartyEvents),
  topic("vextrus.master_data.unit", "master-data", masterDataUnitEvents),
  topic("vextrus.master_data.item", "master-data", masterDataItemEvents),
  topic("vextrus.master_data.account", "master-data", masterDataAccountEvents),
  topic("vextrus.master_data.flat", "master-data", masterDataFlatEvents),
  topic("vextrus.master_data.series", "master-data", masterDataSeriesEvents),
  topic("vextrus.master_data.project", "master-data", masterDataProjectEvents, { consumers: ["workflow"] }),
  topic("vextrus.workflow.definition", "workflow", workflowDefinitionEvents),
  topic("vextrus.workflow.instance", "workflow", workflowInstanceEvents, {
    partitions: 6,
    consumers: ["notification"],
  }),
  topic("vextrus.workflow.task", "workflow", workflowTaskEvents, {
    partitions: 6,
    consumers: ["notification", "scheduler"],
  }),
  topic("vextrus.rules.rule", "rules-engine", rulesRuleEvents),
  topic("vextrus.rules.evaluation", "rules-engine", rulesEvaluationEvents, {
    partitions: 6,
    consumers: ["workflow"],
  }),
  topic("vextrus.audit.chain", "audit", auditChainEvents, { partitions: 1, consumers: ["notification"] }),
  topic("vextrus.notification.delivery", "notification", notificationDeliveryEvents, { partitions: 6 }),
  topic("vextrus.notification.template", "notification", notificationTemplateEvents, { partitions: 1 }),
  topic("vextrus.notification.preference", "notification", notificationPreferenceEvents),
  topic("vextrus.notification.subscription", "notification", notificationSubscriptionEvents, {
    partitions: 1,
  }),
  topic("vextrus.notification.webhook", "notification", notificationWebhookEvents, { partitions: 1 }),
  topic("vextrus.notification.address", "notification", notificationAddressEvents, { partitions: 1 }),
  topic("vextrus.notification.sms_price", "notification", notificationSmsPriceEvents, { partitions: 1 }),
  topic("vextrus.file.object", "file-storage", fileObjectEvents, { consumers: ["document-generator"] }),
  topic("vextrus.document.template", "document-generator", documentTemplateEvents, { partitions: 1 }),
  topic("vextrus.document.document", "document-generator", documentDocumentEvents),
  topic("vextrus.document.batch", "document-generator", documentBatchEvents),
  topic("vextrus.document.render", "document-generator", documentRenderEvents, {
    consumers: ["notification"],
  }),
  topic("vextrus.scheduler.job", "scheduler", schedulerJobEvents, { consumers: ["workflow"] }),
  topic("vextrus.config.setting", "configuration", configSettingEvents, { partitions: 1 }),
  topic("vextrus.config.feature_flag", "configuration", configFeatureFlagEvents, { partitions: 1 }),
  topic("vextrus.import_export.job", "import-export", importExportJobEvents, {
    consumers: ["notification"],
  }),
  topic("vextrus.gateway.access", "gateway", gatewayAccessEvents, { partitions: 6, retentionDays: 30 }),
];

/** Every event type with its payload schema, flat. */
export const EVENTS = {
  ...authUserEvents,
  ...authSessionEvents,
  ...authRoleEvents,
  ...authApiKeyEvents,
  ...authSigningKeyEvents,
  ...organizationTenantEvents,
  ...organizationCompanyEvents,
  ...organizationBranchEvents,
  ...organizationDepartmentEvents,
  ...organizationDesignationEvents,
  ...organizationMembershipEvents,
  ...masterDataPartyEvents,
  ...masterDataUnitEvents,
  ...masterDataItemEvents,
  ...masterDataAccountEvents,
  ...masterDataFlatEvents,
  ...masterDataSeriesEvents,
  ...masterDataProjectEvents,
  ...workflowDefinitionEvents,
  ...workflowInstanceEvents,
  ...workflowTaskEvents,
  ...rulesRuleEvents,
  ...rulesEvaluationEvents,
  ...auditChainEvents,
  ...notificationDeliveryEvents,
  ...notificationTemplateEvents,
  ...notificationPreferenceEvents,
  ...notificationSubscriptionEvents,
  ...notificationWebhookEvents,
  ...notificationAddressEvents,
  ...notificationSmsPriceEvents,
  ...fileObjectEvents,
  ...documentTemplateEvents,
  ...documentRenderEvents,
  ...documentDocumentEvents,
  ...documentBatchEvents,
  ...schedulerJobEvents,
  ...configSettingEvents,
  ...configFeatureFlagEvents,
  ...importExportJobEvents,
  ...gatewayAccessEvents,
} as const;

export type EventType = keyof typeof EVENTS;
/** The payload a producer passes to emit() for `T`. */
export type EventInput<T extends EventType> = z.input<(typeof EVENTS)[T]["schema"]>;
/** The payload a consumer receives for `T`, after validation. */
export type EventData<T extends EventType> = z.output<(typeof EVENTS)[T]["schema"]>;

const topicByType = new Map<string, TopicDefinition>(
  TOPICS.flatMap((t) => Object.keys(t.events).map((type) => [type, t] as const)),
);
const topicByName = new Map(TOPICS.map((t) => [t.name, t]));

export const isEventType = (type: string): type is EventType => topicByType.has(type);

/** The topic that carries `type` (undefined for a type the catalog does not know). */
export const topicOf = (type: string): TopicDefinition | undefined => topicByType.get(type);
export const topicNamed = (name: string): TopicDefinition | undefined => topicByName.get(name);
export const dlqOf = (topicName: string): string => `${topicName}.dlq`;

export function definitionOf(type: string): EventDefinition | undefined {
  return topicByType.get(type)?.events[type];
}

/** The topics a service's consumer group subscribes to. */
export const topicsConsumedBy = (service: ServiceName): string[] =>
  TOPICS.filter((t) => t.consumers.includes(service)).map((t) => t.name);

/** Every topic and every dead-letter topic, with their settings (what `topics:create` creates). */
export function allTopicSpecs(): { name: string; partitions: number; retentionMs: number; dlq: boolean }[] {
  return TOPICS.flatMap((t) => [
    { name: t.name, partitions: t.partitions, retentionMs: t.retentionMs, dlq: false },
    ...(t.consumers.length > 0
      ? [{ name: dlqOf(t.name), partitions: DLQ_PARTITIONS, retentionMs: DLQ_RETENTION_MS, dlq: true }]
      : []),
  ]);
}
