export {
  allTopicSpecs,
  DLQ_PARTITIONS,
  DLQ_RETENTION_MS,
  definitionOf,
  dlqOf,
  EVENTS,
  type EventData,
  type EventInput,
  type EventType,
  isEventType,
  SERVICES,
  type ServiceName,
  TOPICS,
  type TopicDefinition,
  topicNamed,
  topicOf,
  topicsConsumedBy,
} from "./catalog.ts";
export {
  CLOUDEVENTS_CONTENT_TYPE,
  CloudEvent,
  canonicalJson,
  cloudEventHeaders,
} from "./envelope.ts";
export {
  buildEvent,
  type EmitInput,
  EventContractError,
  emit,
  emitMany,
  findSecretField,
  type InboxTable,
  inboxTable,
  type OutboxTable,
  outboxChannel,
  outboxTable,
  wakeRelayAfterCommit,
} from "./outbox.ts";
export type { EventDefinition } from "./payloads/common.ts";

/** The tenant id of platform-wide events that belong to no customer (e.g. a signing key rotation). */
export const PLATFORM_TENANT_ID = "00000000-0000-0000-0000-000000000000";
export { asyncApiDocument } from "./asyncapi.ts";
export { createInProcessBus, type InProcessBus } from "./bus.ts";
export {
  type BatchHandler,
  type Consumer,
  type ConsumerOptions,
  type DedupingBatchHandler,
  decodeEvent,
  type HandlerContext,
  perEvent,
  startConsumer,
} from "./consumer.ts";
export { runCreateTopics } from "./create-topics-command.ts";
export { describeError, isInfrastructureError, whileRetriable } from "./errors.ts";
export { type KafkaTransportOptions, kafkaTransport } from "./kafka.ts";
export { type Listener, type PgliteClient, pgliteListener, postgresListener } from "./listen.ts";
export {
  MAINTENANCE_PERMISSION,
  MaintenanceInput,
  OUTBOX_RETENTION_MS,
  PruneResult,
  pruneSentOutbox,
} from "./maintenance.ts";
export { type EventMetrics, eventMetrics, type MetricRegistry } from "./metrics.ts";
export { type Relay, type RelayOptions, startRelay } from "./relay.ts";
export {
  type Booted,
  openRuntime,
  type RuntimeOptions,
  type ServeOptions,
  type ServiceRuntime,
  type SharedResources,
} from "./runtime.ts";
export {
  type CreateTopicsOptions,
  createCatalogTopics,
  type TopicOutcome,
  withKafkaAdmin,
} from "./topics.ts";
export type {
  BatchControl,
  DeliveredMessage,
  OutgoingMessage,
  Publisher,
  SubscribeOptions,
  Subscription,
  Transport,
} from "./transport.ts";
