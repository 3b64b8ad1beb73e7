import { TDS_CATEGORIES, VDS_CATEGORIES } from "@vextrus/bd";
import type { RuleDraft } from "../engine/model.ts";
import { PACK_EFFECTIVE_FROM, type Pack } from "./types.ts";

const nbr = (section: string) => ({ authority: "NBR", section }) as const;

const rule = (draft: Omit<RuleDraft, "status" | "effectiveFrom">): RuleDraft => ({
  ...draft,
  status: "active",
  effectiveFrom: PACK_EFFECTIVE_FROM,
});

/** The day the rates are read for: the `date` fact, else the evaluation's own day. */
const DAY = "coalesce(date, today())";

/**
 * VAT and SD (VAT and SD Act 2012), VDS and TDS. Every rate comes from @vextrus/bd's effective-dated
 * tables through the formula functions vat(), sd(), vds(), vdsRate(), tds(), tdsRate().
 */
export const taxVatPack: Pack = {
  key: "tax.vat",
  name: "VAT, SD, VDS and TDS",
  facts: {
    value: { type: "money", description: "Value of supply before VAT, BDT" },
    vatRate: { type: "number", description: "VAT rate in percent (default 15)" },
    sdRate: { type: "number", description: "Supplementary duty rate in percent (default 0)" },
    vdsCategory: { type: "string", values: [...VDS_CATEGORIES] },
    tdsCategory: { type: "string", values: [...TDS_CATEGORIES] },
    sqft: { type: "number", description: "Flat size, for building_developer VDS" },
    hasPsr: { type: "boolean", description: "Payee showed proof of return submission" },
    date: { type: "date", description: "Day the supply is made (default: the evaluation's day)" },
  },
  rules: [
    rule({
      key: "vat.standard",
      name: "SD on value, VAT on value + SD",
      priority: 100,
      reference: nbr("VAT and SD Act 2012, s.15 and s.55"),
      when: { fact: "value", op: "exists" },
      actions: [
        { kind: "set", output: "sd", formula: "sd(value, sdRate, vatRate)" },
        { kind: "set", output: "vat", formula: "vat(value, vatRate, sdRate)" },
        { kind: "set", output: "total", formula: "value + out.sd + out.vat" },
      ],
    }),
    rule({
      key: "vds.withheld",
      name: "VAT deducted at source",
      priority: 90,
      reference: nbr("VAT and SD Act 2012, s.49; VDS rules"),
      when: { fact: "vdsCategory", op: "exists" },
      actions: [
        {
          kind: "set",
          output: "vdsRate",
          formula: `vdsRate(value, vdsCategory, ${DAY}, sqft)`,
          as: "number",
        },
        { kind: "set", output: "vds", formula: `vds(value, vdsCategory, ${DAY}, sqft)` },
      ],
    }),
    rule({
      key: "vds.none",
      name: "No VDS without a VDS category",
      priority: 91,
      reference: nbr("VAT and SD Act 2012, s.49"),
      when: { not: { fact: "vdsCategory", op: "exists" } },
      actions: [
        { kind: "set", output: "vdsRate", formula: "0", as: "number" },
        { kind: "set", output: "vds", formula: "0" },
      ],
    }),
    rule({
      key: "tds.withheld",
      name: "Income tax deducted at source",
      priority: 80,
      reference: nbr("Income Tax Act 2023, s.89 and s.90"),
      when: { fact: "tdsCategory", op: "exists" },
      actions: [
        {
          kind: "set",
          output: "tdsRate",
          formula: `tdsRate(value, tdsCategory, ${DAY}, hasPsr)`,
          as: "number",
        },
        { kind: "set", output: "tds", formula: `tds(value, tdsCategory, ${DAY}, hasPsr)` },
      ],
    }),
    rule({
      key: "tds.none",
      name: "No TDS without a TDS category",
      priority: 81,
      reference: nbr("Income Tax Act 2023, s.89"),
      when: { not: { fact: "tdsCategory", op: "exists" } },
      actions: [
        { kind: "set", output: "tdsRate", formula: "0", as: "number" },
        { kind: "set", output: "tds", formula: "0" },
      ],
    }),
  ],
};
