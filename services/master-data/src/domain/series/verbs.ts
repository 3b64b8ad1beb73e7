import { fiscalYear } from "@vextrus/bd";
import { invalidField, notFound } from "@vextrus/platform";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { series, seriesCounters } from "../../db/schema.ts";
import type { MdContext } from "../../deps.ts";
import { Code, ExpectedVersion, ListInput, Name, recordTermsOf } from "../common.ts";
import { publish } from "../events.ts";
import { recordVerbs } from "../records.ts";

const TOKEN = /\{(FY|SEQ(?::(\d{1,2}))?)\}/g;

/** Checks a pattern: only {FY} and {SEQ} / {SEQ:n} (n ≤ 12), exactly one {SEQ}. */
function patternProblem(pattern: string): string | undefined {
  const tokens = [...pattern.matchAll(TOKEN)];
  const seq = tokens.filter((t) => t[1]?.startsWith("SEQ"));
  if (seq.length !== 1) {
    return "exactly one {SEQ} or {SEQ:n}";
  }
  if (Number(seq[0]?.[2] ?? "1") > 12) {
    return "{SEQ:n} pads to at most 12 digits";
  }
  if (/[{}]/.test(pattern.replace(TOKEN, ""))) {
    return "only the tokens {FY} and {SEQ:n}";
  }
  return undefined;
}

const Pattern = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .superRefine((pattern, ctx) => {
    const problem = patternProblem(pattern);
    if (problem) {
      ctx.addIssue({
        code: "custom",
        message: `A pattern needs ${problem}, e.g. PO/{FY}/{SEQ:6}`,
        params: { messageBn: "প্যাটার্নে ঠিক একটি {SEQ} বা {SEQ:n} থাকতে হবে, যেমন PO/{FY}/{SEQ:6}" },
      });
    }
  });
const Reset = z.enum(["never", "fiscal_year"]);
/** A series that starts again each fiscal year must print the year, or its numbers would repeat. */
const showsYear = (s: { pattern?: string; reset?: string }) =>
  s.reset !== "fiscal_year" || s.pattern === undefined || s.pattern.includes("{FY}");
const NEEDS_FY = () => ({
  message: "A series that resets every fiscal year must show {FY} in its pattern",
  params: { messageBn: "প্রতি অর্থবছরে নতুন করে শুরু হওয়া সিরিজের প্যাটার্নে {FY} থাকতে হবে" },
  path: ["pattern"],
});

export const CreateSeriesInput = z
  .object({
    companyId: z.uuid(),
    key: Code,
    name: Name,
    pattern: Pattern,
    reset: Reset.default("fiscal_year"),
  })
  .refine(showsYear, NEEDS_FY());
export const UpdateSeriesInput = z
  .object({
    id: z.uuid(),
    expectedVersion: ExpectedVersion,
    name: Name.optional(),
    pattern: Pattern.optional(),
    reset: Reset.optional(),
  })
  .refine(showsYear, NEEDS_FY());
export const ListSeriesInput = ListInput.extend({
  companyId: z.uuid().optional(),
  includeArchived: z.boolean().default(false),
});
export const NextNumberInput = z.object({ companyId: z.uuid(), key: Code });

export type Series = typeof series.$inferSelect;
const SERIES = {
  key: "series",
  event: "series",
  label: { en: "Numbering series", bn: "নম্বর সিরিজ" },
} as const;

const verbs = recordVerbs<Series, z.infer<typeof CreateSeriesInput>, z.infer<typeof UpdateSeriesInput>>({
  entity: SERIES,
  table: {
    table: series,
    id: series.id,
    version: series.version,
    terms: recordTermsOf("series"),
    archivedAt: series.archivedAt,
  },
  unique: { series_tenant_id_company_id_key_key: "key" },
  /** The stored pattern and reset must still agree after a change of one of them. */
  async beforeUpdate(tx, input) {
    const current = await verbs.find(tx, input.id);
    if (!showsYear({ pattern: input.pattern ?? current.pattern, reset: input.reset ?? current.reset })) {
      throw invalidField("pattern", "master_data.series.needs_fy", {
        en: NEEDS_FY().message,
        bn: NEEDS_FY().params.messageBn,
      });
    }
  },
});

export const createSeries = verbs.create;
export const getSeries = verbs.get;
export const updateSeries = verbs.update;
export const archiveSeries = verbs.archive;
export const restoreSeries = verbs.restore;
export const listSeries = ({ ctx, input }: { ctx: MdContext; input: z.infer<typeof ListSeriesInput> }) =>
  verbs.list({ ctx, input }, [input.companyId ? eq(series.companyId, input.companyId) : undefined]);

export function formatNumber(pattern: string, fy: string, value: number): string {
  return pattern.replace(TOKEN, (_token, name: string, pad?: string) =>
    name === "FY" ? fy : String(value).padStart(Number(pad ?? "1"), "0"),
  );
}

/**
 * The next number of a company's series: the counter of its period (the fiscal year of the server's
 * clock, July–June, when it resets yearly) goes up by one in this transaction, under its row lock, so
 * concurrent calls get distinct consecutive numbers and a failed call leaves no gap.
 */
export const nextNumber = ({ ctx, input }: { ctx: MdContext; input: z.infer<typeof NextNumberInput> }) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [found] = await tx
      .select()
      .from(series)
      .where(and(eq(series.companyId, input.companyId), eq(series.key, input.key)))
      .limit(1);
    if (!found || found.archivedAt) {
      throw notFound(SERIES.label, "master_data.series.not_found");
    }
    const fy = fiscalYear(ctx.deps.now());
    const period = found.reset === "fiscal_year" ? fy : "";
    const [counter] = await tx
      .insert(seriesCounters)
      .values({ tenantId: ctx.tenantId, seriesId: found.id, period, lastValue: 1 })
      .onConflictDoUpdate({
        target: [seriesCounters.tenantId, seriesCounters.seriesId, seriesCounters.period],
        set: { lastValue: sql`${seriesCounters.lastValue} + 1` },
      })
      .returning();
    if (!counter) {
      throw new Error("series counter upsert returned nothing");
    }
    const number = formatNumber(found.pattern, fy, counter.lastValue);
    await publish(tx, ctx, "vextrus.master_data.series.issued", found.id, {
      id: found.id,
      key: found.key,
      companyId: found.companyId,
      period,
      value: counter.lastValue,
      number,
    });
    ctx.deps.metrics.numbersIssued.inc();
    return { number, value: counter.lastValue, period, seriesId: found.id };
  });
