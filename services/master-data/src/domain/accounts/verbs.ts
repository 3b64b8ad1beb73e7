import { AppError, invalidField } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { accounts } from "../../db/schema.ts";
import type { MdContext } from "../../deps.ts";
import { Code, ExpectedVersion, ListInput, Name, NameBn, recordTermsOf } from "../common.ts";
import { publishCreated } from "../events.ts";
import { recordVerbs } from "../records.ts";
import { assertNoCycle } from "../tree.ts";
import { BD_TEMPLATE } from "./template.ts";

export const ACCOUNT_TYPES = ["asset", "liability", "equity", "income", "expense"] as const;

/** Each field's column title in English and Bengali and an example (import templates read them). */
const col = (title: string, titleBn: string, example: unknown) => ({ title, titleBn, example });

export const CreateAccountInput = z.object({
  companyId: z.uuid().meta(col("Company id", "কোম্পানির আইডি", "0190f3a2-7c41-7b2e-9a55-3c1d2e4f5a6b")),
  code: Code.meta(col("Account code", "হিসাব কোড", "1110")),
  name: Name.meta(col("Account name", "হিসাবের নাম", "Cash in hand")),
  nameBn: NameBn.meta(col("Name in Bengali", "বাংলায় নাম", "হাতে নগদ")).optional(),
  type: z.enum(ACCOUNT_TYPES).meta(col("Type", "ধরন", "asset")),
  /** A group holds other accounts; a ledger (the default) takes postings and has no children. */
  isGroup: z
    .boolean()
    .meta(col("Is a group", "গ্রুপ কি না", "false"))
    .default(false),
  /** Written in a spreadsheet by the parent's code (or id). */
  parentId: z
    .uuid()
    .meta(col("Parent (code)", "মূল হিসাব (কোড)", "1100"))
    .optional(),
});
/** Company and type never change; a group may become a ledger only once it is empty. */
export const UpdateAccountInput = z.object({
  id: z.uuid(),
  expectedVersion: ExpectedVersion,
  code: Code.optional(),
  name: Name.optional(),
  nameBn: NameBn.nullable().optional(),
  isGroup: z.boolean().optional(),
  parentId: z.uuid().nullable().optional(),
});
export const ListAccountsInput = ListInput.extend({
  companyId: z.uuid().optional(),
  type: z.enum(ACCOUNT_TYPES).optional(),
  parentId: z.uuid().optional(),
  includeArchived: z.boolean().default(false),
});
export const InstallTemplateInput = z.object({ companyId: z.uuid() });

export type Account = typeof accounts.$inferSelect;
export const ACCOUNT = { key: "account", event: "account", label: { en: "Account", bn: "হিসাব" } } as const;
export const ACCOUNT_LINK = { table: accounts, id: accounts.id, parent: accounts.parentId };

const parentRefused = (en: string, bn: string, field = "parentId") =>
  invalidField(field, "master_data.account.parent", { en, bn });

/** The parent must be an active group of the same company and type. */
async function checkParent(tx: Tx, parentId: string, child: { companyId: string; type: string }) {
  const [parent] = await tx.select().from(accounts).where(eq(accounts.id, parentId)).limit(1);
  if (!parent || parent.archivedAt) {
    throw parentRefused("No such parent account (or it is archived)", "এমন কোনো মূল হিসাব নেই (অথবা আর্কাইভ করা)");
  }
  if (!parent.isGroup) {
    throw parentRefused(
      "A ledger cannot have children; choose a group",
      "লেজারের অধীনে হিসাব রাখা যায় না; একটি গ্রুপ বেছে নিন",
    );
  }
  if (parent.companyId !== child.companyId) {
    throw parentRefused("The parent belongs to another company", "মূল হিসাবটি অন্য কোম্পানির");
  }
  if (parent.type !== child.type) {
    throw parentRefused(`The parent is a ${parent.type} account`, "মূল হিসাবের ধরন আলাদা", "type");
  }
}

export const hasActiveChildren = async (tx: Tx, id: string) =>
  (
    await tx
      .select({ id: accounts.id })
      .from(accounts)
      .where(and(eq(accounts.parentId, id), isNull(accounts.archivedAt)))
      .limit(1)
  ).length > 0;

const verbs = recordVerbs<Account, z.infer<typeof CreateAccountInput>, z.infer<typeof UpdateAccountInput>>({
  entity: ACCOUNT,
  table: {
    table: accounts,
    id: accounts.id,
    version: accounts.version,
    terms: recordTermsOf("accounts"),
    archivedAt: accounts.archivedAt,
  },
  unique: { accounts_tenant_id_company_id_code_key: "code" },
  async beforeCreate(tx, input) {
    if (input.parentId) {
      await checkParent(tx, input.parentId, input);
    }
  },
  async beforeUpdate(tx, input) {
    const current = await verbs.find(tx, input.id);
    if (input.parentId) {
      await checkParent(tx, input.parentId, current);
      await assertNoCycle(tx, ACCOUNT_LINK, ACCOUNT, input.id, input.parentId);
    }
    if (input.isGroup === false && current.isGroup && (await hasActiveChildren(tx, input.id))) {
      throw invalidField("isGroup", "master_data.account.ledger_children", {
        en: "This group still holds accounts: a ledger cannot have children",
        bn: "এই গ্রুপে এখনও হিসাব আছে: লেজারের অধীনে হিসাব থাকতে পারে না",
      });
    }
  },
  async beforeArchive(tx, id) {
    if (await hasActiveChildren(tx, id)) {
      throw new AppError("PRECONDITION_FAILED", "master_data.account.in_use", {
        en: "Archive or move this group's accounts first",
        bn: "প্রথমে এই গ্রুপের হিসাবগুলো আর্কাইভ করুন বা সরান",
      });
    }
  },
});

export const createAccount = verbs.create;
export const getAccount = verbs.get;
export const updateAccount = verbs.update;
export const archiveAccount = verbs.archive;
export const restoreAccount = verbs.restore;
export const listAccounts = ({ ctx, input }: { ctx: MdContext; input: z.infer<typeof ListAccountsInput> }) =>
  verbs.list({ ctx, input }, [
    input.companyId ? eq(accounts.companyId, input.companyId) : undefined,
    input.type ? eq(accounts.type, input.type) : undefined,
    input.parentId ? eq(accounts.parentId, input.parentId) : undefined,
  ]);

/**
 * Gives a company the Bangladesh template (`template.ts`), adding only the codes it lacks, under
 * the template's parents (or the company's own accounts of those codes). Returns what it added.
 */
export const installAccountTemplate = ({
  ctx,
  input,
}: {
  ctx: MdContext;
  input: z.infer<typeof InstallTemplateInput>;
}) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const existing = await tx.select().from(accounts).where(eq(accounts.companyId, input.companyId));
    const byCode = new Map(existing.map((a) => [a.code, a]));
    const added: Account[] = [];
    const now = ctx.deps.now();
    for (const entry of BD_TEMPLATE) {
      if (byCode.has(entry.code)) {
        continue;
      }
      const parent = entry.parent ? byCode.get(entry.parent) : undefined;
      const [row] = await tx
        .insert(accounts)
        .values({
          tenantId: ctx.tenantId,
          companyId: input.companyId,
          code: entry.code,
          name: entry.name,
          nameBn: entry.nameBn,
          type: entry.type,
          isGroup: entry.group === true,
          parentId: parent?.isGroup ? parent.id : null,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      if (row) {
        byCode.set(row.code, row);
        added.push(row);
        await publishCreated(tx, ctx, "vextrus.master_data.account.created", row);
      }
    }
    ctx.deps.metrics.recordsCreated.inc({ entity: "account" }, added.length);
    return added;
  });
