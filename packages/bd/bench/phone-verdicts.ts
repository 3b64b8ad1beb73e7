/**
 * The verdicts of BdMobile, google-libphonenumber (full metadata) and libphonenumber-js (`/min`
 * metadata) on generated valid and invalid inputs: is the input a Bangladeshi mobile number, and
 * its E.164 form. Any disagreement is printed and fails the bench.
 *
 * What "a Bangladeshi mobile number" means to each library:
 * - BdMobile: parses (operator prefixes 013–019, 11 national digits) → its E.164 output.
 * - google-libphonenumber: valid, region BD, type MOBILE (or FIXED_LINE_OR_MOBILE).
 * - libphonenumber-js/min: valid, country BD, national number in the mobile range `1…` (the `/min`
 *   metadata carries no number types).
 * Known differences are printed, not failures: ranges the libraries' metadata disagree on among
 * themselves (010–012: `/min` accepts 010 and 012, which the full metadata refuses; 011 was
 * Citycell's, closed in 2016), and ten digits with neither trunk 0 nor country code, which both
 * libraries read as a national number and BdMobile refuses on purpose (`bd.mobile.format`, its
 * message shows the two accepted forms; tested in packages/bd/test/ids.test.ts).
 */
import { PhoneNumberFormat, PhoneNumberType, PhoneNumberUtil } from "google-libphonenumber";
import { parsePhoneNumberFromString } from "libphonenumber-js/min";
import { BdMobile } from "../src/index.ts";

type Verdict = string | null;

const phoneUtil = PhoneNumberUtil.getInstance();

function ours(input: string): Verdict {
  const result = BdMobile.safeParse(input);
  return result.success ? result.data : null;
}

function google(input: string): Verdict {
  try {
    const number = phoneUtil.parse(input, "BD");
    const type = phoneUtil.getNumberType(number);
    const mobile = type === PhoneNumberType.MOBILE || type === PhoneNumberType.FIXED_LINE_OR_MOBILE;
    return phoneUtil.isValidNumber(number) && phoneUtil.getRegionCodeForNumber(number) === "BD" && mobile
      ? phoneUtil.format(number, PhoneNumberFormat.E164)
      : null;
  } catch {
    return null;
  }
}

function jsMin(input: string): Verdict {
  const number = parsePhoneNumberFromString(input, "BD");
  return number?.isValid() && number.country === "BD" && number.nationalNumber.startsWith("1")
    ? number.number
    : null;
}

const FORMATS = [
  (n: string) => `0${n}`,
  (n: string) => `+880${n}`,
  (n: string) => `880${n}`,
  (n: string) => `00880${n}`,
  (n: string) => `+880 ${n.slice(0, 4)}-${n.slice(4)}`,
  (n: string) => `0${n.slice(0, 4)} ${n.slice(4)}`,
  (n: string) => `(+880) ${n.slice(0, 2)} ${n.slice(2, 6)} ${n.slice(6)}`,
];

/** Inputs by kind, generated from `random`; each kind's expected verdict is written beside it. */
function generate(random: () => number) {
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join("");
  const format = (national: string) =>
    FORMATS[Math.floor(random() * FORMATS.length)]?.(national) ?? `0${national}`;
  const operator = () => String(3 + Math.floor(random() * 7));
  const many = (n: number, make: () => string) => Array.from({ length: n }, make);
  return {
    valid: {
      "mobile 013–019, in seven formats": many(2000, () => format(`1${operator()}${digits(8)}`)),
    },
    invalid: {
      "one digit short": many(300, () => format(`1${operator()}${digits(7)}`)),
      "one digit long": many(300, () => format(`1${operator()}${digits(9)}`)),
      "Dhaka landline (02)": many(200, () => `02${digits(8)}`),
      "other landlines (0[3-9]x)": many(200, () => `0${3 + Math.floor(random() * 7)}${digits(8)}`),
      "Indian mobile (+91)": many(200, () => `+919${digits(9)}`),
      "letter inside": many(200, () => `01${operator()}${digits(3)}x${digits(4)}`),
      "empty or words": ["", " ", "abc", "phone", "+", "+880", "0", "01"],
    },
    known: {
      "prefix 010–012": many(300, () => format(`1${Math.floor(random() * 3)}${digits(8)}`)),
      "no trunk 0 or country code": many(200, () => `1${operator()}${digits(8)}`),
    },
  };
}

/** Prints a table of agreement per kind; throws when any library disagrees on a valid/invalid kind. */
export function compareVerdicts(random: () => number): void {
  const sets = generate(random);
  const rows: Record<string, string | number>[] = [];
  const disagreements: string[] = [];
  const known: string[] = [];
  const judge = (kind: string, inputs: string[], expectValid: boolean | null) => {
    let agreed = 0;
    for (const input of inputs) {
      const verdicts = {
        BdMobile: ours(input),
        libphonenumber: google(input),
        "libphonenumber-js/min": jsMin(input),
      };
      const values = Object.values(verdicts);
      const same = values.every((v) => v === values[0]);
      const expected = expectValid === null || (values[0] !== null) === expectValid;
      if (same && expected) {
        agreed++;
        continue;
      }
      const line = `${JSON.stringify(input)} (${kind}): ${Object.entries(verdicts)
        .map(([name, v]) => `${name} ${v ?? "refuses"}`)
        .join(", ")}`;
      (expectValid === null ? known : disagreements).push(line);
    }
    rows.push({
      kind,
      inputs: inputs.length,
      "all agree": agreed,
      expected: expectValid === null ? "?" : expectValid ? "valid" : "invalid",
    });
  };
  for (const [kind, inputs] of Object.entries(sets.valid)) {
    judge(kind, inputs, true);
  }
  for (const [kind, inputs] of Object.entries(sets.invalid)) {
    judge(kind, inputs, false);
  }
  for (const [kind, inputs] of Object.entries(sets.known)) {
    judge(kind, inputs, null);
  }
  console.log("Verdicts (a Bangladeshi mobile number, and its E.164 form) of the three libraries:");
  console.table(rows);
  if (known.length > 0) {
    console.log(
      `known differences (not failures; see the header of phone-verdicts.ts), ${known.length}, e.g.:`,
    );
    for (const line of known.slice(0, 4)) {
      console.log(`  ${line}`);
    }
  }
  if (disagreements.length > 0) {
    console.log(`DISAGREEMENTS (${disagreements.length}):`);
    for (const line of disagreements.slice(0, 30)) {
      console.log(`  ${line}`);
    }
    throw new Error(`${disagreements.length} inputs where the libraries disagree or all err (printed above)`);
  }
  console.log("valid and invalid inputs: identical verdicts and E.164 output ✓\n");
}
