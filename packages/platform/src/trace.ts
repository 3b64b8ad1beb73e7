/**
 * W3C trace context (`traceparent: 00-<trace id>-<parent span id>-<flags>`). A request keeps the trace
 * it arrived with, or starts one; each call it makes to another service is a new span of that trace.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

/** Random bytes drawn in blocks (one getRandomValues per 4 KiB instead of per id). */
const pool = Buffer.alloc(4096);
let used = pool.length;

const randomHex = (bytes: number) => {
  if (used + bytes > pool.length) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  used += bytes;
  return pool.toString("hex", used - bytes, used);
};

/** The incoming header when it is a valid version-00 traceparent, else a new sampled trace. */
export function traceparentOf(header: string | undefined): string {
  const match = header ? TRACEPARENT.exec(header.trim().toLowerCase()) : null;
  if (match && match[1] !== ZERO_TRACE && match[2] !== ZERO_SPAN) {
    return match[0];
  }
  return `00-${randomHex(16)}-${randomHex(8)}-01`;
}

/** The traceparent to send on an outgoing call: same trace and flags, a new span id. */
export function childTraceparent(parent: string): string {
  const match = TRACEPARENT.exec(parent);
  if (!match) {
    return traceparentOf(undefined);
  }
  return `00-${match[1]}-${randomHex(8)}-${match[3]}`;
}

const current = new AsyncLocalStorage<string>();

/**
 * Runs `fn` inside a trace: whatever it does asynchronously (the events it emits, the calls it makes)
 * can read the traceparent with currentTraceparent(). Set per request by createService and per event
 * by the consumers, so an event's envelope carries the trace of the request or event that caused it.
 */
export function runInTrace<T>(traceparent: string, fn: () => T): T {
  return current.run(traceparent, fn);
}

/** The traceparent of the request or event being handled, if any. */
export function currentTraceparent(): string | undefined {
  return current.getStore();
}
