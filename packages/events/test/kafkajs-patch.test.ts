// scripts/patches/kafkajs@2.2.4.patch reads offsets, timestamps and varlongs with Number arithmetic
// where the values allow it (BigInt per message was the largest cost of consuming under Bun). These
// tests hold the patched code to what kafkajs' own BigInt arithmetic gives, across the whole range.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";

type LongValue = { toString(): string };
type DecoderType = { readVarInt(): number; readVarLong(): LongValue; offset: number };
type Message = { offset: string; isControlRecord?: boolean };

const Batch = require("kafkajs/src/consumer/batch") as new (
  topic: string,
  fetchedOffset: string,
  data: { partition: number; highWatermark: string; messages: Message[]; abortedTransactions: [] },
) => { messages: Message[] };
const Decoder = require("kafkajs/src/protocol/decoder") as new (buffer: Buffer) => DecoderType;
const Encoder = require("kafkajs/src/protocol/encoder") as new () => {
  writeVarLong(value: string): { buffer: Buffer };
};
const encodeRecord = require("kafkajs/src/protocol/recordBatch/record/v0") as (record: {
  offsetDelta: number;
  timestampDelta: string;
  key: Buffer;
  value: Buffer;
}) => { buffer: Buffer };
const decodeRecord = require("kafkajs/src/protocol/recordBatch/record/v0/decoder") as (
  decoder: DecoderType,
  context: { firstOffset: string; firstTimestamp: string; magicByte: number; timestampType: number },
) => { offset: string; timestamp: string; value: Buffer };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const int64 = fc.oneof(
  fc.bigInt({ min: -(2n ** 48n), max: 2n ** 48n }),
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
);

test("the patch is applied", async () => {
  const source = await Bun.file(require.resolve("kafkajs/src/consumer/batch")).text();
  expect(source).toContain("Vextrus patch");
});

describe("kafkajs with the patch", () => {
  test("reads every varlong its encoder writes, short or long", () => {
    fc.assert(
      fc.property(int64, (value) => {
        const decoder = new Decoder(new Encoder().writeVarLong(value.toString()).buffer);
        expect(decoder.readVarLong().toString()).toBe(value.toString());
      }),
      { numRuns: 2_000 },
    );
  });

  test("a record's offset and timestamp are the batch's base plus the record's deltas", () => {
    const base = fc.bigInt({ min: 0n, max: INT64_MAX - 2n ** 31n });
    const delta = fc.integer({ min: 0, max: 2 ** 31 - 1 });
    fc.assert(
      fc.property(base, delta, base, fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }), (o, od, t, td) => {
        const encoded = encodeRecord({
          offsetDelta: od,
          timestampDelta: td.toString(),
          key: Buffer.from("k"),
          value: Buffer.from("v"),
        }).buffer;
        const decoder = new Decoder(encoded);
        decoder.readVarInt(); // the record's length
        const record = decodeRecord(decoder, {
          firstOffset: o.toString(),
          firstTimestamp: t.toString(),
          magicByte: 2,
          timestampType: 0,
        });
        expect(record.offset).toBe((o + BigInt(od)).toString());
        expect(record.timestamp).toBe((t + td).toString());
        expect(record.value.toString()).toBe("v");
      }),
      { numRuns: 2_000 },
    );
  });

  test("a fetched batch keeps exactly the messages at or after the fetched offset", () => {
    const offset = fc.oneof(fc.bigInt({ min: 0n, max: 2000n }), fc.bigInt({ min: 0n, max: INT64_MAX }));
    fc.assert(
      fc.property(fc.array(offset, { maxLength: 20 }), offset, (offsets, fetched) => {
        const batch = new Batch("t", fetched.toString(), {
          partition: 0,
          highWatermark: "0",
          messages: offsets.map((o) => ({ offset: o.toString() })),
          abortedTransactions: [],
        });
        expect(batch.messages.map((m) => m.offset)).toEqual(
          offsets.filter((o) => o >= fetched).map((o) => o.toString()),
        );
      }),
      { numRuns: 2_000 },
    );
    const batch = new Batch("t", "10", {
      partition: 0,
      highWatermark: "0",
      messages: ["9", "10", "99", "100"].map((offset) => ({ offset })),
      abortedTransactions: [],
    });
    expect(batch.messages.map((m) => m.offset)).toEqual(["10", "99", "100"]);
  });
});
