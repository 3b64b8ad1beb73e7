import { emit } from "@vextrus/events";
import { conflict, invalidField } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { outbox, templateVersions } from "../db/schema.ts";
import type { NotifyContext } from "../deps.ts";
import { countSegments } from "./segments.ts";
import {
  completeText,
  definitionOf,
  problemsOf,
  renderFor,
  TEMPLATE_KEYS,
  type TemplateKey,
  type TemplateText,
} from "./templates.ts";

const Key = z.enum(TEMPLATE_KEYS);
const LocaleInput = z.enum(["bn", "en"]);
const Text = {
  subject: z.string().trim().min(1).max(300),
  text: z.string().min(1).max(10_000),
  html: z.string().min(1).max(50_000).nullable().optional(),
  /** The SMS text (left out or null: the built-in one); it must fit in SMS_MAX_SEGMENTS. */
  sms: z.string().trim().min(1).max(1_000).nullable().optional(),
  /** The in-app title and body (left out or null: the built-in ones). */
  title: z.string().trim().min(1).max(300).nullable().optional(),
  body: z.string().min(1).max(5_000).nullable().optional(),
};

export const TemplateRef = z.strictObject({ key: Key, locale: LocaleInput });
export const SetTemplateInput = z.strictObject({
  key: Key,
  locale: LocaleInput,
  ...Text,
  /** The version read (0 while the built-in text applies and was never changed). */
  expectedVersion: z.number().int().min(0),
});
export const ResetTemplateInput = z.strictObject({
  key: Key,
  locale: LocaleInput,
  expectedVersion: z.number().int().min(1),
});
export const PreviewTemplateInput = z.strictObject({ key: Key, locale: LocaleInput, ...Text });

type Row = typeof templateVersions.$inferSelect;

/** The tenant's latest version of a template, if it ever changed it. */
async function latest(tx: Tx, key: TemplateKey, locale: "bn" | "en"): Promise<Row | undefined> {
  const [row] = await tx
    .select()
    .from(templateVersions)
    .where(and(eq(templateVersions.key, key), eq(templateVersions.locale, locale)))
    .orderBy(desc(templateVersions.version))
    .limit(1);
  return row;
}

/** The text messages of `key` are rendered from in the transaction's tenant: its version, else built in. */
export async function tenantText(
  tx: Tx,
  key: TemplateKey,
  locale: "bn" | "en",
): Promise<TemplateText | undefined> {
  const row = await latest(tx, key, locale);
  return row && !row.builtIn ? textOf(row) : undefined;
}

const textOf = (row: Row): TemplateText => ({
  subject: row.subject ?? "",
  text: row.bodyText ?? "",
  html: row.bodyHtml,
  sms: row.smsText,
  title: row.inAppTitle,
  body: row.inAppBody,
});

const view = (key: TemplateKey, locale: "bn" | "en", row: Row | undefined) => {
  const definition = definitionOf(key);
  const text = completeText(key, locale, row && !row.builtIn ? textOf(row) : undefined);
  return {
    key,
    locale,
    source: row && !row.builtIn ? ("tenant" as const) : ("built-in" as const),
    version: row?.version ?? 0,
    subject: text.subject,
    text: text.text,
    html: text.html ?? null,
    sms: text.sms,
    title: text.title,
    body: text.body,
    variables: [...definition.variables],
    required: [...(definition.required ?? [])],
    updatedAt: row?.createdAt ?? null,
  };
};

/** Every template in both languages as this tenant's messages use it. */
export function listTemplates({ ctx }: { ctx: NotifyContext }) {
  return ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const items = [];
      for (const key of TEMPLATE_KEYS) {
        for (const locale of ["bn", "en"] as const) {
          items.push(view(key, locale, await latest(tx, key, locale)));
        }
      }
      return { items };
    },
    { readOnly: true },
  );
}

/** The tenant's versions of one template, newest first. */
export function templateHistory({ ctx, input }: { ctx: NotifyContext; input: z.infer<typeof TemplateRef> }) {
  return ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const rows = await tx
        .select()
        .from(templateVersions)
        .where(and(eq(templateVersions.key, input.key), eq(templateVersions.locale, input.locale)))
        .orderBy(desc(templateVersions.version))
        .limit(100);
      return {
        items: rows.map((row) => ({
          version: row.version,
          builtIn: row.builtIn,
          subject: row.subject,
          text: row.bodyText,
          html: row.bodyHtml,
          sms: row.smsText,
          title: row.inAppTitle,
          body: row.inAppBody,
          createdAt: row.createdAt,
          createdBy: row.createdBy,
        })),
      };
    },
    { readOnly: true },
  );
}

const INVALID = (field: string, message: string) =>
  invalidField(field, "notification.template.invalid", {
    en: `${field}: ${message}`,
    bn: `${field}: টেমপ্লেটটি সঠিক নয় (${message})`,
  });

function check(key: TemplateKey, text: TemplateText) {
  const [problem] = problemsOf(key, text);
  if (problem) {
    throw INVALID(problem.field, problem.message);
  }
}

/**
 * Renders a proposed text with the template's sample values (nothing is stored): the e-mail's
 * subject/text/html as before, the SMS with its encoding and segments, the in-app title and body.
 */
export function previewTemplate({ input }: { input: z.infer<typeof PreviewTemplateInput> }) {
  check(input.key, input);
  const { sample } = definitionOf(input.key);
  const email = renderFor("email", input.key, input.locale, sample, input);
  const sms = renderFor("sms", input.key, input.locale, sample, input);
  const inApp = renderFor("in_app", input.key, input.locale, sample, input);
  const counted = countSegments(sms.text);
  return {
    ...email,
    sms: { text: sms.text, encoding: counted.encoding, segments: counted.segments },
    inApp: { title: inApp.subject, body: inApp.text },
  };
}

const stale = (current: number) =>
  conflict("notification.template.stale", {
    en: `The template was changed elsewhere (it is at version ${current}); reload and try again`,
    bn: `টেমপ্লেটটি অন্য কোথাও পরিবর্তন করা হয়েছে (এখন সংস্করণ ${current}); পুনরায় লোড করে আবার চেষ্টা করুন`,
  });

/** Appends a version (the tenant's text, or back to the built-in one); CONFLICT on a stale expectedVersion. */
async function append(
  ctx: NotifyContext,
  ref: { key: TemplateKey; locale: "bn" | "en"; expectedVersion: number },
  text: TemplateText | undefined,
) {
  const now = ctx.deps.clock();
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const before = await latest(tx, ref.key, ref.locale);
    const current = before?.version ?? 0;
    if (current !== ref.expectedVersion) {
      throw stale(current);
    }
    const [row] = await tx
      .insert(templateVersions)
      .values({
        tenantId: ctx.tenantId,
        key: ref.key,
        locale: ref.locale,
        version: current + 1,
        builtIn: !text,
        subject: text?.subject ?? null,
        bodyText: text?.text ?? null,
        bodyHtml: text?.html ?? null,
        smsText: text?.sms ?? null,
        inAppTitle: text?.title ?? null,
        inAppBody: text?.body ?? null,
        createdAt: now,
        createdBy: ctx.principal.userId,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) {
      throw stale(current + 1);
    }
    const after = view(ref.key, ref.locale, row);
    await emit(tx, outbox, {
      subject: row.id,
      tenantId: ctx.tenantId,
      actorId: ctx.principal.userId,
      ...(before
        ? {
            type: "vextrus.notification.template.updated" as const,
            data: { id: row.id, before: view(ref.key, ref.locale, before), after },
          }
        : { type: "vextrus.notification.template.created" as const, data: { id: row.id, after } }),
    });
    return after;
  });
}

/** Sets the tenant's text of a template in one language (a new version); checked before it is stored. */
export function setTemplate({ ctx, input }: { ctx: NotifyContext; input: z.infer<typeof SetTemplateInput> }) {
  const text = {
    subject: input.subject,
    text: input.text,
    html: input.html ?? null,
    sms: input.sms ?? null,
    title: input.title ?? null,
    body: input.body ?? null,
  };
  check(input.key, text);
  return append(ctx, input, text);
}

/** Goes back to the built-in text (as a new version, so the history keeps every text). */
export function resetTemplate({
  ctx,
  input,
}: {
  ctx: NotifyContext;
  input: z.infer<typeof ResetTemplateInput>;
}) {
  return append(ctx, input, undefined);
}
