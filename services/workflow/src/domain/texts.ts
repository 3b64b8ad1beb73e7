import { formatBDT, toBengaliDigits } from "@vextrus/bd";
import type { Bilingual } from "@vextrus/platform";

/** A count or step number in both languages (Bengali digits for Bengali). */
export const count = (n: number): Bilingual => ({ en: String(n), bn: toBengaliDigits(String(n)) });

/** An amount in taka, lakh/crore grouped: "7,50,000.00 BDT" / "৳৭,৫০,০০০.০০". */
export const taka = (amount: string): Bilingual => ({
  en: `${formatBDT(amount)} BDT`,
  bn: formatBDT(amount, { digits: "bengali", symbol: true }),
});

const STATUS_BN: Record<string, string> = {
  waiting: "আগের ধাপের অপেক্ষায়",
  pending: "সিদ্ধান্তের অপেক্ষায়",
  approved: "অনুমোদিত",
  rejected: "প্রত্যাখ্যাত",
  returned: "সংশোধনের জন্য ফেরত",
  cancelled: "বাতিল",
};

/** A task status in both languages. */
export const taskStatus = (status: string): Bilingual => ({ en: status, bn: STATUS_BN[status] ?? status });
