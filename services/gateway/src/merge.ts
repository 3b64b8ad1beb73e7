import type { Locale } from "@vextrus/platform";
import { batchStatus, type RoutedCall, type ServiceBatch, splitBatch, spreadAnswer } from "./batching.ts";
import { errorItem, type GatewayError, serviceGarbled, unreadableRequest } from "./errors.ts";
import { jsonlBatchStream } from "./jsonl.ts";
import type { Call } from "./routing.ts";
import type { UpstreamResult } from "./upstream.ts";

/** Sends one service its part of a batch (path(s), query string, body) and reads the answer whole. */
export type SendPart = (
  service: string,
  path: string,
  search: string,
  payload: string | null,
) => Promise<UpstreamResult>;

export interface MergeRequest {
  calls: readonly Call[];
  url: URL;
  /** null for a GET (inputs in `?input=`). */
  body: ArrayBuffer | null;
  stream: boolean;
  locale: Locale;
  requestId: string;
}

export type MergeResult =
  | { ok: true; body: string | ReadableStream<Uint8Array>; status: number }
  | { ok: false; error: GatewayError };

function readInputs(url: URL, body: ArrayBuffer | null): { inputs: unknown } | undefined {
  try {
    const text = body === null ? url.searchParams.get("input") : new TextDecoder().decode(body);
    return { inputs: text ? JSON.parse(text) : undefined };
  } catch {
    return undefined;
  }
}

/** One service's answer spread over its calls' positions (or its failure, once per call). */
function answersOf(group: ServiceBatch, result: UpstreamResult, asItem: (e: GatewayError) => unknown) {
  let placed: Map<number, unknown> | undefined;
  if (result.ok) {
    try {
      placed = spreadAnswer(group, JSON.parse(result.text ?? ""));
    } catch {
      placed = undefined;
    }
  }
  const failure = result.ok ? serviceGarbled(group.service) : result.error;
  return new Map(group.positions.map((position) => [position, placed?.get(position) ?? asItem(failure)]));
}

/**
 * A batch that spans services (or names an unknown one): split by service, sent in parallel, and
 * answered in the caller's order — as one JSON array, or re-streamed as JSON lines when the caller
 * asked for a stream.
 */
export async function splitAndMerge(request: MergeRequest, send: SendPart): Promise<MergeResult> {
  const { calls, locale, requestId } = request;
  const routed = calls.filter((call): call is RoutedCall => call.error === undefined);
  const read = readInputs(request.url, request.body);
  const groups = read ? splitBatch(routed, read.inputs) : undefined;
  if (!groups) {
    return { ok: false, error: unreadableRequest() };
  }
  const isGet = request.body === null;
  const parts = groups.map((group) => {
    const input = JSON.stringify(group.inputs ?? {});
    const search = isGet ? `batch=1&input=${encodeURIComponent(input)}` : "batch=1";
    return { group, pending: send(group.service, group.path, search, isGet ? null : input) };
  });
  const asItem = (error: GatewayError) => errorItem(error, locale, requestId);
  const byPosition = new Map<number, Promise<Map<number, unknown>>>();
  for (const { group, pending } of parts) {
    const answers = pending.then((result) => answersOf(group, result, asItem));
    for (const position of group.positions) {
      byPosition.set(position, answers);
    }
  }
  const items = calls.map(async (call) => {
    if (call.error) {
      return asItem(call.error);
    }
    const answers = await byPosition.get(call.index);
    return answers?.get(call.index) ?? asItem(serviceGarbled(call.service));
  });
  if (request.stream) {
    return { ok: true, body: jsonlBatchStream(items), status: 200 };
  }
  const settled = await Promise.all(items);
  return { ok: true, body: JSON.stringify(settled), status: batchStatus(settled) };
}
