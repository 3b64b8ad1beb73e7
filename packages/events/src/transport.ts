/** A message on its way to a topic (the value is a CloudEvent in JSON). */
export interface OutgoingMessage {
  topic: string;
  key: string;
  value: string;
  headers?: Record<string, string>;
}

/** A message as a consumer receives it. */
export interface DeliveredMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

export interface Publisher {
  /**
   * Resolves once the messages are durably accepted: acknowledged by all in-sync Kafka replicas, or
   * (in-process bus) handled by every registered consumer group. Order is kept per key.
   */
  send(messages: readonly OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
  /**
   * True when `send` runs the consumers' own transactions before it resolves (the in-process bus):
   * the relay must then publish outside its transaction, since no transaction may wait on another.
   */
  readonly runsConsumers?: boolean;
}

export interface BatchControl {
  /** Keeps the consumer's group membership alive during long work (retries). */
  heartbeat(): Promise<void>;
  /** False once the subscription is stopping: long retry loops give up. */
  isRunning(): boolean;
}

export interface SubscribeOptions {
  /** The consumer group: one per service. */
  group: string;
  topics: readonly string[];
  /**
   * Where a group without committed offsets starts: "earliest" (the default: a service's group must
   * not miss what was published before it first ran) or "latest" (a per-replica cache listener, which
   * needs only what happens from now on). Once it has committed, a group resumes where it stopped.
   */
  startAt?: "earliest" | "latest";
  /**
   * Handles one batch (messages of one partition, in order). Resolving commits their offsets;
   * rejecting leaves them to be delivered again.
   */
  onBatch(messages: DeliveredMessage[], control: BatchControl): Promise<void>;
  /** Reports how far behind the group is on a partition (messages not yet handled). */
  onLag?(topic: string, partition: number, lag: number): void;
}

export interface Subscription {
  stop(): Promise<void>;
}

/** Kafka, or the in-process bus of embedded mode: services use either without branching. */
export interface Transport {
  readonly kind: "kafka" | "in-process";
  publisher(clientId: string): Publisher;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Readiness probe: resolves quickly when the transport can deliver, rejects otherwise. */
  check(): Promise<void>;
  close(): Promise<void>;
}
