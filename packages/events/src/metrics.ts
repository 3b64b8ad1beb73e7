/**
 * Event metrics, registered on the service's prom-client Registry. The objects below implement the
 * registry's metric protocol (name, help, type, get) themselves because prom-client is not a
 * dependency of this package; a service passes its Registry in.
 */

type Labels = Record<string, string>;

interface MetricValue {
  value: number;
  labels: Labels;
}

/** The part of prom-client's Registry this package uses (a Registry satisfies it). */
export interface MetricRegistry {
  registerMetric(metric: never): void;
  getSingleMetric(name: string): unknown;
}

class Series<L extends string> {
  readonly #values = new Map<string, MetricValue>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: "counter" | "gauge",
    readonly aggregator: "sum",
    private readonly collect?: (series: Series<L>) => Promise<void>,
  ) {}

  #entry(labels: Partial<Record<L, string>>): MetricValue {
    const clean = Object.fromEntries(Object.entries(labels).filter(([, v]) => v !== undefined)) as Labels;
    const key = JSON.stringify(Object.entries(clean).sort());
    let entry = this.#values.get(key);
    if (!entry) {
      entry = { value: 0, labels: clean };
      this.#values.set(key, entry);
    }
    return entry;
  }

  inc(labels: Partial<Record<L, string>> = {}, by = 1): void {
    this.#entry(labels).value += by;
  }

  set(labels: Partial<Record<L, string>>, value: number): void {
    this.#entry(labels).value = value;
  }

  value(labels: Partial<Record<L, string>> = {}): number {
    return this.#entry(labels).value;
  }

  total(): number {
    let sum = 0;
    for (const entry of this.#values.values()) {
      sum += entry.value;
    }
    return sum;
  }

  async get() {
    await this.collect?.(this);
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [...this.#values.values()].map((v) => ({ value: v.value, labels: { ...v.labels } })),
    };
  }

  reset(): void {
    this.#values.clear();
  }
}

export type { Series };

function createEventMetrics(registry: MetricRegistry) {
  const add = <L extends string>(series: Series<L>) => {
    registry.registerMetric(series as never);
    return series;
  };
  return {
    published: add(
      new Series<never>(
        "vextrus_events_published_total",
        "Outbox events published by the relay",
        "counter",
        "sum",
      ),
    ),
    publishFailures: add(
      new Series<never>(
        "vextrus_events_publish_failures_total",
        "Relay batches whose publishing failed (retried)",
        "counter",
        "sum",
      ),
    ),
    handled: add(
      new Series<"topic">(
        "vextrus_events_handled_total",
        "Events applied by this service's consumer",
        "counter",
        "sum",
      ),
    ),
    duplicates: add(
      new Series<"topic">(
        "vextrus_events_duplicates_skipped_total",
        "Redelivered events skipped because the inbox already had them",
        "counter",
        "sum",
      ),
    ),
    failed: add(
      new Series<"topic" | "kind">(
        "vextrus_events_failed_total",
        "Failed attempts to handle an event (each retry counts)",
        "counter",
        "sum",
      ),
    ),
    deadLettered: add(
      new Series<"topic" | "reason">(
        "vextrus_events_dead_lettered_total",
        "Events sent to a dead-letter topic",
        "counter",
        "sum",
      ),
    ),
    lag: add(
      new Series<"topic" | "partition">(
        "vextrus_events_consumer_lag",
        "Messages on a partition not yet handled by this service's consumer group",
        "gauge",
        "sum",
      ),
    ),
  };
}

export type EventMetrics = ReturnType<typeof createEventMetrics>;

const byRegistry = new WeakMap<MetricRegistry, EventMetrics>();

/** The event metrics of a service, registered once on its registry. */
export function eventMetrics(registry: MetricRegistry): EventMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = createEventMetrics(registry);
    byRegistry.set(registry, metrics);
  }
  return metrics;
}

/** A gauge whose value is read when the registry is scraped (e.g. the outbox backlog). */
export function registerCollectedGauge(
  registry: MetricRegistry,
  name: string,
  help: string,
  read: () => Promise<number>,
): void {
  if (registry.getSingleMetric(name)) {
    return;
  }
  const gauge = new Series<never>(name, help, "gauge", "sum", async (series) => {
    series.set({}, await read());
  });
  registry.registerMetric(gauge as never);
}
