import type { units } from "../../db/schema.ts";

type Category = (typeof units.$inferInsert)["category"];

/**
 * The units a Bangladeshi construction company starts with (editable per tenant). Factors are exact:
 * 1 ft = 0.3048 m by definition, so a cft is 0.028316846592 m³ and a sft 0.09290304 m²; a katha is
 * 720 sft, a decimal (shotangsho) 435.6 sft; the truck-load (500 cft) and the bundle (10 pieces) are
 * the usual sizes, for each tenant to change.
 */
export const DEFAULT_UNITS: readonly {
  code: string;
  name: string;
  nameBn: string;
  category: Category;
  factor: string;
}[] = [
  { code: "kg", name: "Kilogram", nameBn: "কেজি", category: "mass", factor: "1" },
  { code: "ton", name: "Metric ton", nameBn: "টন", category: "mass", factor: "1000" },
  {
    code: "bag",
    name: "Bag (cement, 50 kg)",
    nameBn: "ব্যাগ (সিমেন্ট, ৫০ কেজি)",
    category: "mass",
    factor: "50",
  },
  { code: "m3", name: "Cubic metre", nameBn: "ঘনমিটার", category: "volume", factor: "1" },
  { code: "cft", name: "Cubic foot", nameBn: "ঘনফুট", category: "volume", factor: "0.028316846592" },
  {
    code: "truck",
    name: "Truck-load (500 cft)",
    nameBn: "ট্রাক লোড (৫০০ ঘনফুট)",
    category: "volume",
    factor: "14.158423296",
  },
  { code: "m2", name: "Square metre", nameBn: "বর্গমিটার", category: "area", factor: "1" },
  { code: "sft", name: "Square foot", nameBn: "বর্গফুট", category: "area", factor: "0.09290304" },
  { code: "katha", name: "Katha (720 sft)", nameBn: "কাঠা", category: "area", factor: "66.8901888" },
  { code: "decimal", name: "Decimal (435.6 sft)", nameBn: "শতাংশ", category: "area", factor: "40.468564224" },
  { code: "rm", name: "Running metre", nameBn: "রানিং মিটার", category: "length", factor: "1" },
  { code: "rft", name: "Running foot", nameBn: "রানিং ফুট", category: "length", factor: "0.3048" },
  { code: "nos", name: "Number (piece)", nameBn: "নগ", category: "count", factor: "1" },
  { code: "bundle", name: "Bundle (10 pieces)", nameBn: "বান্ডিল", category: "count", factor: "10" },
];
