import type { Call } from "./routing.ts";

/** The calls of one batch that go to one service, with their inputs re-numbered from 0. */
export interface ServiceBatch {
  service: string;
  /** Positions of these calls in the caller's batch. */
  positions: number[];
  path: string;
  /** `{ "0": …, "1": … }` in this batch's own numbering; undefined when no call had an input. */
  inputs: Record<string, unknown> | undefined;
}

export type RoutedCall = Extract<Call, { service: string }>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/**
 * Groups a batch's calls by service, in first-seen order. `inputs` is the caller's input record
 * (keys are positions; tRPC leaves out calls without input). Not an object → undefined.
 */
export function splitBatch(calls: readonly RoutedCall[], inputs: unknown): ServiceBatch[] | undefined {
  if (inputs !== undefined && !isRecord(inputs)) {
    return undefined;
  }
  const groups = new Map<string, ServiceBatch>();
  for (const call of calls) {
    let group = groups.get(call.service);
    if (!group) {
      group = { service: call.service, positions: [], path: "", inputs: undefined };
      groups.set(call.service, group);
    }
    const local = group.positions.length;
    group.positions.push(call.index);
    group.path = group.path ? `${group.path},${call.procedure}` : call.procedure;
    const input = inputs?.[String(call.index)];
    if (input !== undefined) {
      group.inputs ??= {};
      group.inputs[String(local)] = input;
    }
  }
  return [...groups.values()];
}

/** The HTTP status of one response item: its error's `data.httpStatus`, or 200 for a result. */
export function itemStatus(item: unknown): number {
  if (!isRecord(item) || !("error" in item)) {
    return 200;
  }
  const envelope = item.error;
  const shape = isRecord(envelope) && isRecord(envelope.json) ? envelope.json : envelope;
  const data = isRecord(shape) ? shape.data : undefined;
  return isRecord(data) && typeof data.httpStatus === "number" ? data.httpStatus : 500;
}

/** tRPC's rule for a batch: the items' common status, or 207 when they differ. */
export function batchStatus(items: readonly unknown[]): number {
  const statuses = new Set(items.map(itemStatus));
  return statuses.size === 1 ? (statuses.values().next().value ?? 200) : 207;
}

/**
 * One service's answer to its part of a batch, spread over that part's positions: an array maps
 * item by item; a single object (the service refused the whole batch) applies to every call.
 * Undefined when the answer has the wrong shape.
 */
export function spreadAnswer(group: ServiceBatch, answer: unknown): Map<number, unknown> | undefined {
  const placed = new Map<number, unknown>();
  if (Array.isArray(answer)) {
    if (answer.length !== group.positions.length) {
      return undefined;
    }
    group.positions.forEach((position, i) => {
      placed.set(position, answer[i]);
    });
    return placed;
  }
  if (!isRecord(answer) || !("error" in answer)) {
    return undefined;
  }
  for (const position of group.positions) {
    placed.set(position, answer);
  }
  return placed;
}
