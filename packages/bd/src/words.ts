import { BdError } from "./errors.ts";
import type { Locale } from "./messages.ts";
import { type Amount, toPoisha } from "./money.ts";

/** 0–99 in Bengali: every one is its own word, never composed (21 is একুশ, not "বিশ এক"). */
// biome-ignore format: ten words a row
export const BENGALI_NUMBER_WORDS: readonly string[] = [
  "শূন্য", "এক", "দুই", "তিন", "চার", "পাঁচ", "ছয়", "সাত", "আট", "নয়",
  "দশ", "এগারো", "বারো", "তেরো", "চৌদ্দ", "পনেরো", "ষোল", "সতেরো", "আঠারো", "উনিশ",
  "বিশ", "একুশ", "বাইশ", "তেইশ", "চব্বিশ", "পঁচিশ", "ছাব্বিশ", "সাতাশ", "আঠাশ", "উনত্রিশ",
  "ত্রিশ", "একত্রিশ", "বত্রিশ", "তেত্রিশ", "চৌত্রিশ", "পঁয়ত্রিশ", "ছত্রিশ", "সাঁইত্রিশ", "আটত্রিশ", "উনচল্লিশ",
  "চল্লিশ", "একচল্লিশ", "বেয়াল্লিশ", "তেতাল্লিশ", "চুয়াল্লিশ", "পঁয়তাল্লিশ", "ছেচল্লিশ", "সাতচল্লিশ", "আটচল্লিশ", "উনপঞ্চাশ",
  "পঞ্চাশ", "একান্ন", "বাহান্ন", "তিপ্পান্ন", "চুয়ান্ন", "পঞ্চান্ন", "ছাপ্পান্ন", "সাতান্ন", "আটান্ন", "উনষাট",
  "ষাট", "একষট্টি", "বাষট্টি", "তেষট্টি", "চৌষট্টি", "পঁয়ষট্টি", "ছেষট্টি", "সাতষট্টি", "আটষট্টি", "ঊনসত্তর",
  "সত্তর", "একাত্তর", "বাহাত্তর", "তেহাত্তর", "চুয়াত্তর", "পঁচাত্তর", "ছিয়াত্তর", "সাতাত্তর", "আটাত্তর", "উনআশি",
  "আশি", "একাশি", "বিরাশি", "তিরাশি", "চুরাশি", "পঁচাশি", "ছিয়াশি", "সাতাশি", "আটাশি", "উননব্বই",
  "নব্বই", "একানব্বই", "বিরানব্বই", "তিরানব্বই", "চুরানব্বই", "পঁচানব্বই", "ছিয়ানব্বই", "সাতানব্বই", "আটানব্বই", "নিরানব্বই",
];

// biome-ignore format: ten words a row
const EN_ONES = [
  "Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine",
  "Ten", "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen",
];
const EN_TENS = ["", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"];

interface Lexicon {
  below100: readonly string[];
  hundred: string;
  thousand: string;
  lakh: string;
  crore: string;
}

const EN: Lexicon = {
  below100: Array.from({ length: 100 }, (_, n) =>
    n < 20 ? (EN_ONES[n] ?? "") : `${EN_TENS[Math.floor(n / 10)]}${n % 10 ? ` ${EN_ONES[n % 10]}` : ""}`,
  ),
  hundred: "Hundred",
  thousand: "Thousand",
  lakh: "Lakh",
  crore: "Crore",
};

const BN: Lexicon = {
  below100: BENGALI_NUMBER_WORDS,
  hundred: "শত",
  thousand: "হাজার",
  lakh: "লক্ষ",
  crore: "কোটি",
};

/** Words for a whole number n ≥ 1 (n < 2^53); a crore count above 99 is itself spelled out. */
function spell(n: number, lex: Lexicon): string {
  const parts: string[] = [];
  const word = (k: number): string => lex.below100[k] ?? "";
  const crore = Math.floor(n / 10_000_000);
  if (crore > 0) {
    parts.push(`${spell(crore, lex)} ${lex.crore}`);
  }
  const lakh = Math.floor(n / 100_000) % 100;
  const thousand = Math.floor(n / 1000) % 100;
  const hundred = Math.floor(n / 100) % 10;
  const rest = n % 100;
  if (lakh > 0) {
    parts.push(`${word(lakh)} ${lex.lakh}`);
  }
  if (thousand > 0) {
    parts.push(`${word(thousand)} ${lex.thousand}`);
  }
  if (hundred > 0) {
    parts.push(`${word(hundred)} ${lex.hundred}`);
  }
  if (rest > 0) {
    parts.push(word(rest));
  }
  return parts.join(" ");
}

/**
 * The amount in words, as written on cheques and invoices:
 * en "Taka One Hundred Fifty and Fifty Poisha Only", bn "এক শত পঞ্চাশ টাকা পঞ্চাশ পয়সা মাত্র".
 * Throws BdError for invalid, negative or out-of-range amounts and for more than two decimals.
 */
export function amountInWords(amount: Amount, locale: Locale = "en"): string {
  const poisha = toPoisha(amount);
  if (poisha < 0n) {
    throw new BdError("bd.money.negative");
  }
  const lex = locale === "bn" ? BN : EN;
  const taka = Number(poisha / 100n);
  const poishaPart = Number(poisha % 100n);
  const takaWords = taka === 0 ? (lex.below100[0] ?? "") : spell(taka, lex);
  const poishaWords = lex.below100[poishaPart] ?? "";
  if (locale === "bn") {
    return poishaPart === 0 ? `${takaWords} টাকা মাত্র` : `${takaWords} টাকা ${poishaWords} পয়সা মাত্র`;
  }
  return poishaPart === 0 ? `Taka ${takaWords} Only` : `Taka ${takaWords} and ${poishaWords} Poisha Only`;
}
