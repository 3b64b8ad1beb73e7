import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { amountInWords, BENGALI_NUMBER_WORDS } from "../src/index.ts";
import { fromPoisha, MAX_POISHA } from "../src/money.ts";
import { bdError } from "./helpers.ts";

const amount = fc.bigInt({ min: 0n, max: MAX_POISHA }).map(fromPoisha);

const SCALES: Record<string, number> = { শত: 100, হাজার: 1000, লক্ষ: 100_000, কোটি: 10_000_000 };

/** Reads Bengali number words back: the test's independent check of the value. */
function bengaliWordsToNumber(words: string[]): number {
  let total = 0;
  let current = 0;
  for (const word of words) {
    const value = BENGALI_NUMBER_WORDS.indexOf(word);
    const scale = SCALES[word];
    if (value >= 0) {
      current += value;
    } else if (scale === 100) {
      current *= 100;
    } else if (scale === 10_000_000) {
      total = (total + current) * scale;
      current = 0;
    } else if (scale !== undefined) {
      total += current * scale;
      current = 0;
    } else {
      throw new Error(`unexpected word ${word}`);
    }
  }
  return total + current;
}

describe("amountInWords (English)", () => {
  test("examples", () => {
    expect(amountInWords(120000, "en")).toBe("Taka One Lakh Twenty Thousand Only");
    expect(amountInWords(150.5, "en")).toBe("Taka One Hundred Fifty and Fifty Poisha Only");
    expect(amountInWords(0, "en")).toBe("Taka Zero Only");
    expect(amountInWords(12345678, "en")).toBe(
      "Taka One Crore Twenty Three Lakh Forty Five Thousand Six Hundred Seventy Eight Only",
    );
    expect(amountInWords(1_000_000_000, "en")).toBe("Taka One Hundred Crore Only");
    expect(amountInWords("0.01", "en")).toBe("Taka Zero and One Poisha Only");
    expect(amountInWords("999999999999.99")).toBe(
      "Taka Ninety Nine Thousand Nine Hundred Ninety Nine Crore Ninety Nine Lakh Ninety Nine Thousand " +
        "Nine Hundred Ninety Nine and Ninety Nine Poisha Only",
    );
    expect(amountInWords(1_00_00_001)).toBe("Taka One Crore One Only");
    expect(amountInWords(115)).toBe("Taka One Hundred Fifteen Only");
  });
});

describe("amountInWords (Bengali)", () => {
  test("examples", () => {
    expect(amountInWords(120000, "bn")).toBe("এক লক্ষ বিশ হাজার টাকা মাত্র");
    expect(amountInWords(150.5, "bn")).toBe("এক শত পঞ্চাশ টাকা পঞ্চাশ পয়সা মাত্র");
    expect(amountInWords(0, "bn")).toBe("শূন্য টাকা মাত্র");
    expect(amountInWords(1_000_000_000, "bn")).toBe("এক শত কোটি টাকা মাত্র");
    expect(amountInWords("999999999999.99", "bn")).toBe(
      "নিরানব্বই হাজার নয় শত নিরানব্বই কোটি নিরানব্বই লক্ষ নিরানব্বই হাজার নয় শত নিরানব্বই টাকা নিরানব্বই পয়সা মাত্র",
    );
    expect(amountInWords(21, "bn")).toBe("একুশ টাকা মাত্র");
    expect(amountInWords(12345678, "bn")).toBe("এক কোটি তেইশ লক্ষ পঁয়তাল্লিশ হাজার ছয় শত আটাত্তর টাকা মাত্র");
    expect(amountInWords("69.99", "bn")).toBe("ঊনসত্তর টাকা নিরানব্বই পয়সা মাত্র");
  });

  test("the 0–99 table has 100 distinct single words", () => {
    expect(BENGALI_NUMBER_WORDS).toHaveLength(100);
    expect(new Set(BENGALI_NUMBER_WORDS).size).toBe(100);
    for (const word of BENGALI_NUMBER_WORDS) {
      expect(word).not.toContain(" ");
      expect(word.normalize("NFC")).toBe(word);
    }
    for (let n = 1; n <= 99; n++) {
      expect(amountInWords(n, "bn")).toBe(`${BENGALI_NUMBER_WORDS[n]} টাকা মাত্র`);
    }
  });
});

describe("amountInWords properties", () => {
  test("Bengali never composes 21–99 and reads back to the same amount", () => {
    fc.assert(
      fc.property(amount, (a) => {
        const text = amountInWords(a, "bn");
        expect(text).not.toMatch(/\s{2}|^\s|\s$/);
        expect(text).not.toContain("বিশ এক");
        const words = text.split(" ");
        expect(words.at(-1)).toBe("মাত্র");
        const takaAt = words.indexOf("টাকা");
        const taka = words.slice(0, takaAt);
        const poisha = words.slice(takaAt + 1, -1).filter((w) => w !== "পয়সা");
        for (let i = 1; i < words.length; i++) {
          const bothNumbers =
            BENGALI_NUMBER_WORDS.includes(words[i - 1] ?? "") &&
            BENGALI_NUMBER_WORDS.includes(words[i] ?? "");
          expect(bothNumbers).toBe(false);
        }
        const [int = "", frac = ""] = a.split(".");
        expect(bengaliWordsToNumber(taka)).toBe(Number(int));
        expect(poisha.length === 0 ? 0 : bengaliWordsToNumber(poisha)).toBe(Number(frac));
      }),
    );
  });

  test("English uses single spaces and the fixed frame", () => {
    fc.assert(
      fc.property(amount, (a) => {
        const text = amountInWords(a, "en");
        expect(text).toMatch(
          /^Taka [A-Z][a-z]+( [A-Z][a-z]+)*( and [A-Z][a-z]+( [A-Z][a-z]+)* Poisha)? Only$/,
        );
        expect(text.includes(" and ")).toBe(!a.endsWith(".00"));
      }),
    );
  });

  test("rejects negative, malformed and over-precise amounts", () => {
    expect(bdError(() => amountInWords(-1)).code).toBe("bd.money.negative");
    expect(bdError(() => amountInWords(Number.NaN, "bn")).code).toBe("bd.money.invalid");
    expect(bdError(() => amountInWords(1.234)).code).toBe("bd.money.precision");
    expect(bdError(() => amountInWords("1000000000000")).code).toBe("bd.money.range");
    expect(bdError(() => amountInWords(-1)).messageBn).toBe("টাকার পরিমাণ ঋণাত্মক হতে পারে না");
  });
});
