// The GSM 03.38 basic set and its extension table (an extension character takes two septets).
const GSM_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const GSM_EXTENDED = new Set("^{}\\[~]|€\f");

export interface Segments {
  encoding: "GSM-7" | "UCS-2";
  /** Characters as the encoding counts them (septets for GSM-7, UTF-16 units for UCS-2). */
  units: number;
  segments: number;
}

/**
 * How many SMS segments `text` takes: GSM-7 when every character is in the GSM set (160 in one,
 * 153 per part when concatenated), else UCS-2 — any Bengali — (70 in one, 67 per part).
 */
export function countSegments(text: string): Segments {
  let septets = 0;
  let gsm = true;
  for (const char of text) {
    if (GSM_BASIC.has(char)) {
      septets += 1;
    } else if (GSM_EXTENDED.has(char)) {
      septets += 2;
    } else {
      gsm = false;
      break;
    }
  }
  if (gsm) {
    return { encoding: "GSM-7", units: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
  }
  const units = text.length;
  return { encoding: "UCS-2", units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/** The cost estimate of a message in poisha: operators bill per segment. */
export const smsCostPoisha = (text: string, perSegmentPoisha: number) =>
  countSegments(text).segments * perSegmentPoisha;

/** The per-segment price of an SMS when none is configured (`SMS_SEGMENT_COST_POISHA`): ৳0.35. */
export const DEFAULT_SMS_SEGMENT_POISHA = 35;
