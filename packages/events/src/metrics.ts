import { Counter, Gauge, type Registry } from "prom-client";

/** The service's prom-client registry: event metrics sit beside its HTTP and business metrics. */
export type MetricRegistry = Registry;

function createEventMetrics(registry: Registry) {
  const registers = [registry];
  return {
    published: new Counter({
      name: "vextrus_events_published_total",
      help: "Outbox events published by the relay",
      registers,
    }),
    publishFailures: new Counter({
      name: "vextrus_events_publish_failures_total",
      help: "Relay batches whose publishing failed (retried)",
      registers,
    }),
    handled: new Counter({
      name: "vextrus_events_handled_total",
      help: "Events applied by this service's consumer",
      labelNames: ["topic"] as const,
      registers,
    }),
    duplicates: new Counter({
      name: "vextrus_events_duplicates_skipped_total",
      help: "Redelivered events skipped because the inbox already had them",
      labelNames: ["topic"] as const,
      registers,
    }),
    failed: new Counter({
      name: "vextrus_events_failed_total",
      help: "Failed attempts to handle an event (each retry counts)",
      labelNames: ["topic", "kind"] as const,
      registers,
    }),
    deadLettered: new Counter({
      name: "vextrus_events_dead_lettered_total",
      help: "Events sent to a dead-letter topic",
      labelNames: ["topic", "reason"] as const,
      registers,
    }),
    lag: new Gauge({
      name: "vextrus_events_consumer_lag",
      help: "Messages on a partition not yet handled by this service's consumer group",
      labelNames: ["topic", "partition"] as const,
      registers,
    }),
  };
}

export type EventMetrics = ReturnType<typeof createEventMetrics>;

const byRegistry = new WeakMap<Registry, EventMetrics>();

/** The event metrics of a service, registered once on its registry. */
export function eventMetrics(registry: Registry): EventMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = createEventMetrics(registry);
    byRegistry.set(registry, metrics);
  }
  return metrics;
}

/** A gauge whose value is read when the registry is scraped (e.g. the outbox backlog). */
export function registerCollectedGauge(
  registry: Registry,
  name: string,
  help: string,
  read: () => Promise<number>,
): void {
  if (registry.getSingleMetric(name)) {
    return;
  }
  new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      this.set(await read());
    },
  });
}
