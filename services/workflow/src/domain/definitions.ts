import { notFound, pageOf } from "@vextrus/platform";
import { keyset, preparedQuery, type Tx } from "@vextrus/platform/db";
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { definitions } from "../db/schema.ts";
import type { WorkflowContext } from "../deps.ts";
import { DEFINITION, Journal, ListPage } from "./common.ts";

export const DefinitionKey = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9]*([._-][a-z0-9]+)*$/, "a lowercase key such as purchase.requisition")
  .max(100);

/** A rules-engine rule set key, e.g. `tax.vat` or `purchase.approval`. */
const RuleSetName = z
  .string()
  .trim()
  .regex(
    /^[a-z][a-z0-9_]{0,40}(\.[a-z][a-z0-9_]{0,40}){0,4}$/,
    "lower-case words joined by dots, e.g. tax.vat",
  );

const CommitteeInput = z.object({
  name: z.string().trim().min(1).max(100),
  members: z
    .array(z.uuid())
    .min(1)
    .max(50)
    .refine((ids) => new Set(ids).size === ids.length, {
      message: "committee members must be distinct",
      params: { messageBn: "কমিটির সদস্যরা ভিন্ন ভিন্ন ব্যক্তি হতে হবে" },
    }),
});

export const CreateDefinitionInput = z.object({
  key: DefinitionKey,
  name: z.string().trim().min(1).max(200),
  nameBn: z.string().trim().min(1).max(200).optional(),
  /** Rule sets evaluated at start (e.g. `tax.vat`, `purchase.approval`); their actions shape the route. */
  ruleSets: z.array(RuleSetName).max(10).default([]),
  /**
   * Hours each step may wait before `escalateOverdue` moves it up the chain; left out, the tenant's
   * `workflow.sla.hours` from the configuration service when the version is published.
   */
  slaHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .optional(),
  /** Committees for N-of-M steps, by the name the rules use (e.g. `board`). */
  committees: z
    .array(CommitteeInput)
    .max(10)
    .default([])
    .refine((list) => new Set(list.map((c) => c.name)).size === list.length, {
      message: "committee names must be distinct",
      params: { messageBn: "কমিটির নামগুলো ভিন্ন হতে হবে" },
    }),
});

export const GetDefinitionInput = z.object({
  key: DefinitionKey,
  version: z.number().int().min(1).optional(),
});
export const ListDefinitionsInput = ListPage.extend({ key: DefinitionKey.optional() });

export type Definition = typeof definitions.$inferSelect;

/**
 * Every change is a new version: processes keep the version they started with. Committee members must
 * be active users of the tenant (checked before the transaction, like the SLA default: both may ask
 * another service).
 */
export async function createDefinition({
  ctx,
  input,
}: {
  ctx: WorkflowContext;
  input: z.infer<typeof CreateDefinitionInput>;
}) {
  await ctx.deps.users.require(
    ctx,
    input.committees.flatMap((committee, c) =>
      committee.members.map((id, m) => ({ field: `committees.${c}.members.${m}`, id })),
    ),
  );
  // Asked before the transaction: no call to another service while one is open.
  const slaHours = input.slaHours ?? (await ctx.deps.config.get("workflow.sla.hours", ctx));
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const latest = await findDefinition(tx, input.key).catch(() => undefined);
    const [row] = await tx
      .insert(definitions)
      .values({
        tenantId: ctx.tenantId,
        key: input.key,
        version: (latest?.version ?? 0) + 1,
        name: input.name,
        nameBn: input.nameBn ?? null,
        ruleSets: input.ruleSets,
        slaHours,
        committees: input.committees,
        createdBy: ctx.principal.userId,
      })
      .returning();
    const created = row as Definition;
    const journal = new Journal(ctx);
    journal.event("vextrus.workflow.definition.published", created.id, {
      id: created.id,
      after: JSON.parse(JSON.stringify(created)) as Record<string, unknown>,
    });
    await journal.flush(tx);
    return created;
  });
}

/** The latest version of a definition (every start reads it: built once, see preparedQuery). */
const latestDefinition = preparedQuery("workflow.definition.latest", (db) =>
  db
    .select()
    .from(definitions)
    .where(eq(definitions.key, sql.placeholder("key")))
    .orderBy(desc(definitions.version))
    .limit(1),
);

/** The given version of a definition, or its latest. */
export async function findDefinition(tx: Tx, key: string, version?: number): Promise<Definition> {
  const rows = version
    ? await tx
        .select()
        .from(definitions)
        .where(and(eq(definitions.key, key), eq(definitions.version, version)))
        .limit(1)
    : await latestDefinition(tx, { key });
  const row = rows[0];
  if (!row) {
    throw notFound(DEFINITION, "workflow.definition.not_found");
  }
  return row;
}

export async function findDefinitionById(tx: Tx, id: string): Promise<Definition> {
  const rows = await tx.select().from(definitions).where(eq(definitions.id, id)).limit(1);
  const row = rows[0];
  if (!row) {
    throw notFound(DEFINITION, "workflow.definition.not_found");
  }
  return row;
}

export const getDefinition = ({
  ctx,
  input,
}: {
  ctx: WorkflowContext;
  input: z.infer<typeof GetDefinitionInput>;
}) =>
  ctx.deps.db.tenant(ctx.tenantId, (tx) => findDefinition(tx, input.key, input.version), { readOnly: true });

/** Every version, newest first (keyset pagination on the UUIDv7 id). */
export const listDefinitions = ({
  ctx,
  input,
}: {
  ctx: WorkflowContext;
  input: z.infer<typeof ListDefinitionsInput>;
}) =>
  ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const page = keyset({ id: definitions.id, direction: "desc" }, input.cursor);
      const rows = await tx
        .select()
        .from(definitions)
        .where(and(input.key ? eq(definitions.key, input.key) : undefined, page.where))
        .orderBy(...page.orderBy)
        .limit(input.limit + 1);
      return pageOf(rows, input.limit, (row) => row.id);
    },
    { readOnly: true },
  );
