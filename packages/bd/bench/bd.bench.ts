/**
 * Throughput of @vextrus/bd beside google-libphonenumber (parse with region "BD" + isValidNumber)
 * and libphonenumber-js with its `/min` metadata, on the same mobile numbers. Before timing, the
 * three give their verdicts on generated valid AND invalid inputs (phone-verdicts.ts) — "is this a
 * Bangladeshi mobile number, and what is its E.164 form" — and any disagreement fails the bench
 * and is printed. Several interleaved rounds; medians reported (machines are noisy).
 * Run: bun packages/bd/bench/bd.bench.ts
 */
import { PhoneNumberUtil } from "google-libphonenumber";
import { parsePhoneNumberFromString } from "libphonenumber-js/min";
import { amountInWords, BdMobile, Nid } from "../src/index.ts";
import { compareVerdicts } from "./phone-verdicts.ts";

const ROUNDS = 9;
const ROUND_MS = 250;
const TARGET_RATIO = 5;

/** Deterministic pseudo-random numbers, so every run measures the same inputs. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const random = lcg(42);
const digits = (n: number): string => Array.from({ length: n }, () => Math.floor(random() * 10)).join("");
const MOBILE_FORMATS = [
  (n: string) => `0${n}`,
  (n: string) => `+880${n}`,
  (n: string) => `880${n}`,
  (n: string) => `00880${n}`,
  (n: string) => `+880 ${n.slice(0, 4)}-${n.slice(4)}`,
  (n: string) => `0${n.slice(0, 4)} ${n.slice(4)}`,
];
const mobiles = Array.from({ length: 1024 }, (_, i) => {
  const national = `1${3 + Math.floor(random() * 7)}${digits(8)}`;
  return MOBILE_FORMATS[i % MOBILE_FORMATS.length]?.(national) ?? `0${national}`;
});
const nids = Array.from(
  { length: 1024 },
  (_, i) => [digits(10), digits(13), `${1950 + (i % 60)}${digits(2)}9${digits(10)}`][i % 3] ?? digits(10),
);
const amounts = Array.from({ length: 1024 }, () => `${digits(1 + Math.floor(random() * 11))}.${digits(2)}`);

const phoneUtil = PhoneNumberUtil.getInstance();

type Case = { name: string; inputs: readonly string[]; run: (input: string) => number };
const cases: Case[] = [
  { name: "BdMobile.safeParse", inputs: mobiles, run: (s) => (BdMobile.safeParse(s).success ? 1 : 0) },
  {
    name: "libphonenumber parse+isValidNumber",
    inputs: mobiles,
    run: (s) => (phoneUtil.isValidNumber(phoneUtil.parse(s, "BD")) ? 1 : 0),
  },
  {
    name: "libphonenumber-js/min parse+isValid",
    inputs: mobiles,
    run: (s) => (parsePhoneNumberFromString(s, "BD")?.isValid() ? 1 : 0),
  },
  { name: "Nid.safeParse", inputs: nids, run: (s) => (Nid.safeParse(s).success ? 1 : 0) },
  { name: 'amountInWords(_, "en")', inputs: amounts, run: (s) => amountInWords(s, "en").length },
  { name: 'amountInWords(_, "bn")', inputs: amounts, run: (s) => amountInWords(s, "bn").length },
];

compareVerdicts(lcg(4242));

for (const c of cases.slice(0, 4)) {
  const failures = c.inputs.filter((s) => c.run(s) !== 1);
  if (failures.length > 0) {
    throw new Error(`${c.name} rejected ${failures.length} inputs, e.g. ${failures[0]}`);
  }
}

let sink = 0;

/** Calls per second over about ROUND_MS. */
function measure(c: Case): number {
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ROUND_MS) {
    for (const input of c.inputs) {
      sink += c.run(input);
    }
    calls += c.inputs.length;
    elapsed = performance.now() - start;
  }
  return (calls / elapsed) * 1000;
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

for (const c of cases) {
  measure(c); // warm-up
}
const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const c of round % 2 === 0 ? cases : [...cases].reverse()) {
    samples.get(c.name)?.push(measure(c));
  }
}

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US").padStart(12);
console.log(`${ROUNDS} rounds of ~${ROUND_MS} ms per case (median / min / max calls per second)\n`);
console.log(`${"case".padEnd(36)}${"median".padStart(12)}${"min".padStart(12)}${"max".padStart(12)}`);
for (const c of cases) {
  const xs = samples.get(c.name) ?? [];
  console.log(`${c.name.padEnd(36)}${fmt(median(xs))}${fmt(Math.min(...xs))}${fmt(Math.max(...xs))}`);
}
const ours = median(samples.get("BdMobile.safeParse") ?? []);
const theirs = median(samples.get("libphonenumber parse+isValidNumber") ?? []);
const ratio = ours / theirs;
console.log(
  `\nBdMobile / libphonenumber: ${ratio.toFixed(1)}× (target ≥ ${TARGET_RATIO}×: ${ratio >= TARGET_RATIO ? "met" : "NOT met"})`,
);
const js = median(samples.get("libphonenumber-js/min parse+isValid") ?? []);
console.log(`BdMobile / libphonenumber-js/min: ${(ours / js).toFixed(1)}×`);
console.log(`(checksum ${sink})`);
