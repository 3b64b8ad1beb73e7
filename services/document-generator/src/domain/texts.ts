import { emit } from "@vextrus/events";
import { AppError, conflict } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { outbox, textOverrides } from "../db/schema.ts";
import type { DocumentContext } from "../deps.ts";
import { Text } from "./schemas.ts";
import { MUSHAK63_LABELS } from "./templates/mushak-6.3.ts";

export type TextOverrideRow = typeof textOverrides.$inferSelect;
export type Texts = { bn: Record<string, string>; en: Record<string, string> };

/**
 * The labels a tenant may reword, per template (the keys of each Typst file's `labels`; the column
 * headings and the statutory wording of the Mushak forms stay as the NBR prints them).
 */
export const TEXT_LABELS = {
  "mushak-6.3": MUSHAK63_LABELS,
  "mushak-6.6": [
    "title",
    "withholder",
    "supplier",
    "address",
    "statement",
    "total",
    "in-words",
    "challan",
    "officer",
    "designation",
    "verify",
  ],
  "purchase-order": [
    "title",
    "number",
    "date",
    "buyer",
    "supplier",
    "deliver-to",
    "delivery-date",
    "project",
    "reference",
    "payment",
    "intro",
    "total",
    "in-words",
    "terms",
    "for-company",
    "verify",
  ],
  "work-order": [
    "title",
    "number",
    "date",
    "employer",
    "contractor",
    "project",
    "site",
    "start",
    "completion",
    "scope",
    "total",
    "in-words",
    "retention",
    "terms",
    "for-company",
    "verify",
  ],
} as const;

type TemplateWithTexts = keyof typeof TEXT_LABELS;

const textsOf = <T extends TemplateWithTexts>(template: T) => {
  const labels = z.partialRecord(
    z.enum(TEXT_LABELS[template] as unknown as [string, ...string[]]),
    Text(200),
  );
  return z.strictObject({
    template: z.literal(template),
    /** Each locale's wording; a label left out prints the template's own. */
    texts: z.strictObject({ bn: labels.default({}), en: labels.default({}) }),
    /** 0 when the tenant has none for this template yet, else the version read (stale is CONFLICT). */
    expectedVersion: z.number().int().min(0),
  });
};

export const SetTextsInput = z.discriminatedUnion("template", [
  textsOf("mushak-6.3"),
  textsOf("mushak-6.6"),
  textsOf("purchase-order"),
  textsOf("work-order"),
]);
export type SetTextsInput = z.output<typeof SetTextsInput>;

export const GetTextsInput = z.strictObject({
  template: z.enum(Object.keys(TEXT_LABELS) as [TemplateWithTexts, ...TemplateWithTexts[]]),
});

export function textsView(row: TextOverrideRow | undefined) {
  if (!row) {
    return null;
  }
  return {
    id: row.id,
    template: row.template,
    texts: row.texts,
    updatedAt: row.updatedAt,
    version: row.version,
  };
}

const snapshot = (row: TextOverrideRow) => JSON.parse(JSON.stringify(row)) as Record<string, unknown>;

/** The tenant's wording of a template in a locale, read inside a render's own transaction. */
export async function textsIn(tx: Tx, tenantId: string, template: string, locale: "bn" | "en") {
  const [row] = await tx
    .select({ texts: textOverrides.texts })
    .from(textOverrides)
    .where(and(eq(textOverrides.tenantId, tenantId), eq(textOverrides.template, template)))
    .limit(1);
  const texts = row?.texts[locale] ?? {};
  return Object.keys(texts).length > 0 ? texts : undefined;
}

export async function getTexts({
  ctx,
  input,
}: {
  ctx: DocumentContext;
  input: z.infer<typeof GetTextsInput>;
}) {
  const [row] = await ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) => tx.select().from(textOverrides).where(eq(textOverrides.template, input.template)).limit(1),
    { readOnly: true },
  );
  return textsView(row);
}

/**
 * Sets the tenant's wording of a template's labels (both locales at once; an empty locale prints the
 * defaults) and writes `vextrus.document.template.created` / `.updated` (kind `texts`). Documents
 * rendered from then on print it; issued ones keep what they printed.
 */
export async function setTexts({ ctx, input }: { ctx: DocumentContext; input: SetTextsInput }) {
  const at = ctx.deps.now();
  const texts = { bn: input.texts.bn, en: input.texts.en } as Texts;
  const row = await ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [current] = await tx
      .select()
      .from(textOverrides)
      .where(and(eq(textOverrides.tenantId, ctx.tenantId), eq(textOverrides.template, input.template)))
      .limit(1)
      .for("update");
    if ((current?.version ?? 0) !== input.expectedVersion) {
      throw conflict("documents.texts.stale", {
        en: "The template's texts were changed meanwhile; reload them and try again",
        bn: "এর মধ্যে টেমপ্লেটের লেখা বদলানো হয়েছে; আবার লোড করে চেষ্টা করুন",
      });
    }
    const [saved] = current
      ? await tx
          .update(textOverrides)
          .set({ texts, updatedAt: at, version: current.version + 1 })
          .where(eq(textOverrides.id, current.id))
          .returning()
      : await tx
          .insert(textOverrides)
          .values({
            id: Bun.randomUUIDv7(),
            tenantId: ctx.tenantId,
            template: input.template,
            texts,
            createdAt: at,
            updatedAt: at,
          })
          .returning();
    if (!saved) {
      throw new AppError("INTERNAL", "documents.texts.not_saved", {
        en: "The texts could not be saved",
        bn: "লেখাগুলো সংরক্ষণ করা যায়নি",
      });
    }
    const common = {
      subject: saved.id,
      tenantId: ctx.tenantId,
      actorId: ctx.principal.userId,
      traceparent: ctx.traceparent,
    };
    await emit(
      tx,
      outbox,
      current
        ? {
            type: "vextrus.document.template.updated",
            ...common,
            data: { id: saved.id, kind: "texts", before: snapshot(current), after: snapshot(saved) },
          }
        : {
            type: "vextrus.document.template.created",
            ...common,
            data: { id: saved.id, kind: "texts", after: snapshot(saved) },
          },
    );
    return saved;
  });
  return textsView(row);
}
