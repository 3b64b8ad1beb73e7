/**
 * tRPC's JSON-lines batch stream (what httpBatchStreamLink reads), written without decoding the
 * payloads: every line is a superjson envelope, so an item's own envelope is moved under the path
 * where the line holds it.
 *
 * Line 1 (head): `{"json":{"0":[[0],[null,0,0]],…}}`: position i is a promise, chunk i.
 * Then, as each item arrives: `{"json":[i,0,[[item]]],"meta":…}`: chunk i fulfilled with the item.
 */

interface Envelope {
  json?: unknown;
  meta?: { values?: unknown; referentialEqualities?: unknown; v?: number };
}

type Meta = NonNullable<Envelope["meta"]>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Where, inside a fulfilled-chunk line, the item's payload sits (escaped superjson path). */
const ITEM_PATH = "2.0.0";

function prefixEqualities(equalities: unknown, prefix: string): Record<string, unknown> {
  const under = (path: string) => `${prefix}.${path}`;
  const out: Record<string, unknown> = {};
  const addAll = (record: unknown) => {
    if (isRecord(record)) {
      for (const [path, identical] of Object.entries(record)) {
        out[under(path)] = Array.isArray(identical) ? identical.map((p) => under(String(p))) : identical;
      }
    }
  };
  if (Array.isArray(equalities)) {
    const [root, others] = equalities as [unknown, unknown];
    if (Array.isArray(root)) {
      out[prefix] = root.map((p) => under(String(p)));
    }
    addAll(others);
  } else {
    addAll(equalities);
  }
  return out;
}

/** One response item (`{result:{data:<envelope>}}` or `{error:<envelope>}`) as a fulfilled-chunk line. */
function itemLine(chunk: number, item: unknown): string {
  let plain: unknown = item;
  let envelope: Envelope | undefined;
  let at = "";
  if (isRecord(item) && isRecord(item.result) && isRecord(item.result.data)) {
    envelope = item.result.data as Envelope;
    plain = { result: { data: envelope.json } };
    at = `${ITEM_PATH}.result.data`;
  } else if (isRecord(item) && isRecord(item.error)) {
    envelope = item.error as Envelope;
    plain = { error: envelope.json };
    at = `${ITEM_PATH}.error`;
  }
  const line: { json: unknown; meta?: Meta } = { json: [chunk, 0, [[plain]]] };
  const meta = envelope?.meta;
  if (meta && (meta.values !== undefined || meta.referentialEqualities !== undefined)) {
    line.meta = { v: meta.v ?? 1 };
    if (meta.values !== undefined) {
      line.meta.values = { [at]: meta.values };
    }
    if (meta.referentialEqualities !== undefined) {
      line.meta.referentialEqualities = prefixEqualities(meta.referentialEqualities, at);
    }
  }
  return `${JSON.stringify(line)}\n`;
}

/**
 * A stream of `size` items, each written as soon as its promise settles (they settle in any order).
 * `items[i]` resolves to the item in tRPC's (non-stream) batch wire format.
 */
export function jsonlBatchStream(items: readonly Promise<unknown>[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const head: Record<string, unknown> = {};
  items.forEach((_, i) => {
    head[String(i)] = [[0], [null, 0, i]];
  });
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode(`${JSON.stringify({ json: head })}\n`));
      await Promise.all(
        items.map(async (pending, i) => {
          controller.enqueue(encoder.encode(itemLine(i, await pending)));
        }),
      );
      controller.close();
    },
  });
}
