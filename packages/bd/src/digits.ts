/** Bengali digits ০–৯ are U+09E6–U+09EF; ASCII digits 0–9 are U+0030–U+0039. */
const BN_ZERO = 0x09e6;
const ASCII_ZERO = 0x30;

const BN_DIGITS = ["০", "১", "২", "৩", "৪", "৫", "৬", "৭", "৮", "৯"];

/** Replaces ASCII digits with Bengali digits; everything else is kept. */
export function toBengaliDigits(s: string): string {
  return s.replace(/[0-9]/g, (d) => BN_DIGITS[d.charCodeAt(0) - ASCII_ZERO] ?? d);
}

/** Replaces Bengali digits with ASCII digits; everything else is kept. */
export function toLatinDigits(s: string): string {
  return s.replace(/[০-৯]/g, (d) => String.fromCharCode(d.charCodeAt(0) - BN_ZERO + ASCII_ZERO));
}

const SEPARATOR = /[\s\-‐-―−]/;

/**
 * The ASCII digits of `s`, with Bengali digits mapped and spaces and dashes dropped.
 * With `allowPlus`, a `+` is kept when it is the first character that is not a separator.
 * Returns null when anything else is present. One pass: identifiers are parsed in hot paths.
 */
export function compactDigits(s: string, allowPlus = false): string | null {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= ASCII_ZERO && c <= ASCII_ZERO + 9) {
      out += s[i];
    } else if (c >= BN_ZERO && c <= BN_ZERO + 9) {
      out += String.fromCharCode(c - BN_ZERO + ASCII_ZERO);
    } else if (c === 0x2b && allowPlus && out === "") {
      out = "+";
    } else if (c !== 0x20 && c !== 0x2d && !SEPARATOR.test(s.charAt(i))) {
      return null;
    }
  }
  return out;
}
