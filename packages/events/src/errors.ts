/** PostgreSQL error classes that say "try again later", not "this event is bad". */
const TRANSIENT_SQLSTATE = /^(08...|53...|57P0[123]|40001|40P01|55P03)$/;
const TRANSIENT_NODE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);

/**
 * True for failures of the infrastructure (database or broker unreachable, deadlock, serialization
 * failure): the event is fine, so it is retried without limit instead of being dead-lettered.
 */
export function isInfrastructureError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (typeof e !== "object") {
      return false;
    }
    const { code, name, kind } = e as { code?: unknown; name?: unknown; kind?: unknown };
    if (typeof code === "string" && (TRANSIENT_SQLSTATE.test(code) || TRANSIENT_NODE_CODES.has(code))) {
      return true;
    }
    // The platform's own word for it: a database that did not answer in time is UNAVAILABLE.
    if (kind === "UNAVAILABLE") {
      return true;
    }
    if (typeof name === "string" && name.startsWith("KafkaJS")) {
      return true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    if (e instanceof Error) {
      const code = (e as { code?: unknown }).code;
      parts.push(`${e.name}: ${e.message}${typeof code === "string" ? ` (${code})` : ""}`);
      e = e.cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  return parts.join(" <- ").slice(0, 2000);
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Exponential backoff with jitter: base·2^attempt, capped. */
export function backoffMs(attempt: number, baseMs: number, capMs: number): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + Math.random() * (exp / 2));
}

/** An error kafkajs marks as worth trying again (the broker busy, a partition without a leader yet). */
export const isRetriable = (error: unknown): boolean =>
  (error as { retriable?: unknown } | null)?.retriable === true;

/**
 * `work` again while Kafka answers with an error it marks retriable, for up to `timeoutMs`. Right
 * after topics are created or deleted, a broker may briefly not host a partition, and a full
 * metadata answer lists deleted topics with UNKNOWN_TOPIC_OR_PARTITION: kafkajs does not retry that
 * in admin.connect() or listTopics().
 */
export async function whileRetriable<T>(work: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!isRetriable(error) || Date.now() > deadline) {
        throw error;
      }
    }
    await sleep(250);
  }
}
