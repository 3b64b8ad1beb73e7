/** The magic-byte checks of declared content types, on bytes alone (no storage needed). */
import { describe, expect, test } from "bun:test";
import { matchesType, SNIFF_BYTES } from "../src/domain/content-types.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);

describe("text/csv and text/plain", () => {
  test("Bengali text is text, whatever byte the file or its sniffed head ends on", () => {
    // A UTF-8 BOM, a Bengali header and message (three bytes a letter), CRLF: an import's error file.
    const csv = utf8(
      "\uFEFFname,roles,bin,ত্রুটি\r\nBad BIN Traders,supplier,12345,bin: বিআইএন ১৩ অঙ্কের হতে হবে\r\n",
    );
    for (let end = 1; end <= csv.length; end++) {
      expect({ end, ok: matchesType("text/csv", csv.subarray(0, end)) }).toEqual({ end, ok: true });
    }
    const long = utf8(`${"অ".repeat(SNIFF_BYTES)}\n`);
    for (const cut of [SNIFF_BYTES - 1, SNIFF_BYTES, SNIFF_BYTES + 1]) {
      expect(matchesType("text/plain", long.subarray(0, cut))).toBe(true);
    }
  });

  test("broken UTF-8, NUL bytes and executables are not text", () => {
    // A lone continuation byte, then more text after it: broken before the end, not merely cut.
    expect(matchesType("text/csv", new Uint8Array([0x61, 0x80, 0x61, 0x62, 0x63, 0x64, 0x65]))).toBe(false);
    expect(matchesType("text/csv", new Uint8Array([0x61, 0xe0, 0x41, 0x41, 0x41, 0x41]))).toBe(false);
    expect(matchesType("text/plain", utf8("name\u0000,roles\r\n"))).toBe(false);
    expect(matchesType("text/csv", utf8("MZ\u0090 plain looking"))).toBe(false);
    expect(matchesType("text/csv", new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x02]))).toBe(false);
  });
});
