/**
 * The event catalog as an AsyncAPI 3 document, for consumers outside the repo: every topic as a
 * channel (Kafka bindings: partitions, retention, key), every event type as a message whose payload
 * is the CloudEvents envelope with that type's `data` schema (JSON Schema from the catalog's zod
 * schema by `z.toJSONSchema`), the owner's send operation and each consumer group's receive
 * operation. Generated, never written by hand: a type added to the catalog appears by itself.
 */
import { z } from "zod";
import { TOPICS } from "./catalog.ts";
import { CLOUDEVENTS_CONTENT_TYPE, CloudEvent } from "./envelope.ts";

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType): JsonSchema => {
  const json = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
    target: "draft-7",
  }) as JsonSchema;
  delete json.$schema;
  return json;
};

/** AsyncAPI ids allow letters, digits, `.`, `-` and `_`: topic and type names already are. */
const ref = (path: string) => ({ $ref: path });

const DESCRIPTION = `Every Kafka topic of Vextrus ERP and the events on it.

- Each message is a CloudEvents 1.0 event in the **structured content mode** of the CloudEvents Kafka
  protocol binding: the value is the whole event as JSON, the header \`content-type\` is
  \`${CLOUDEVENTS_CONTENT_TYPE}\`, so any CloudEvents SDK decodes it.
- The Kafka key is the event's \`subject\` (the aggregate id): one entity's events stay in order.
- Extensions: \`tenantid\` (the tenant), \`actorid\` (who caused it), \`traceparent\` (W3C trace context),
  \`dataversion\` (the version of the \`data\` schema for the type).
- Delivery is at least once: deduplicate by \`id\`. A message a consumer cannot handle goes to \`<topic>.dlq\`.`;

export function asyncApiDocument(version: string) {
  const envelope = toSchema(CloudEvent);
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const topic of TOPICS) {
    const channelMessages: Record<string, unknown> = {};
    for (const [type, definition] of Object.entries(topic.events)) {
      const properties = envelope.properties as Record<string, JsonSchema>;
      messages[type] = {
        name: type,
        title: type,
        summary: `${type} (data version ${definition.version})`,
        contentType: CLOUDEVENTS_CONTENT_TYPE,
        headers: {
          type: "object",
          required: ["content-type"],
          properties: { "content-type": { type: "string", const: CLOUDEVENTS_CONTENT_TYPE } },
        },
        payload: {
          ...envelope,
          properties: {
            ...properties,
            type: { type: "string", const: type },
            dataversion: { type: "string", const: String(definition.version) },
            data: toSchema(definition.schema),
          },
        },
        bindings: {
          kafka: { key: { type: "string", description: "The event's subject" }, bindingVersion: "0.5.0" },
        },
      };
      channelMessages[type] = ref(`#/components/messages/${type}`);
    }
    channels[topic.name] = {
      address: topic.name,
      title: topic.name,
      description: `Published by ${topic.owner}; consumed by ${topic.consumers.join(", ")}. Dead letters: ${topic.name}.dlq.`,
      messages: channelMessages,
      bindings: {
        kafka: {
          topic: topic.name,
          partitions: topic.partitions,
          topicConfiguration: { "retention.ms": topic.retentionMs, "cleanup.policy": ["delete"] },
          bindingVersion: "0.5.0",
        },
      },
    };
    const sent = Object.keys(channelMessages).map((type) => ref(`#/channels/${topic.name}/messages/${type}`));
    operations[`${topic.owner}.send.${topic.name}`] = {
      action: "send",
      title: `${topic.owner} publishes`,
      channel: ref(`#/channels/${topic.name}`),
      messages: sent,
    };
    for (const consumer of topic.consumers) {
      operations[`${consumer}.receive.${topic.name}`] = {
        action: "receive",
        title: `${consumer} consumes`,
        channel: ref(`#/channels/${topic.name}`),
        messages: sent,
        bindings: { kafka: { groupId: { type: "string", const: consumer }, bindingVersion: "0.5.0" } },
      };
    }
  }
  return {
    asyncapi: "3.0.0",
    info: { title: "Vextrus ERP events", version, description: DESCRIPTION },
    defaultContentType: CLOUDEVENTS_CONTENT_TYPE,
    servers: {
      kafka: {
        host: "localhost:9092",
        protocol: "kafka",
        description: "The brokers named by KAFKA_BROKERS",
      },
    },
    channels,
    operations,
    components: { messages },
  };
}
