import { notFound } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { and, asc, eq, inArray } from "drizzle-orm";
import { actions, conditions, ruleSets, rules, ruleVersions } from "../db/schema.ts";
import type { ConditionInput, FactType, Operator, RuleBody, RuleVersion } from "../engine/model.ts";

export const RULE_SET = { en: "Rule set", bn: "নিয়ম-সেট" };
export const RULE = { en: "Rule", bn: "নিয়ম" };

export type RuleSetRow = typeof ruleSets.$inferSelect;

export async function findRuleSet(tx: Tx, key: string): Promise<RuleSetRow> {
  const [row] = await tx.select().from(ruleSets).where(eq(ruleSets.key, key)).limit(1);
  if (!row) {
    throw notFound(RULE_SET, "rules.rule_set.not_found");
  }
  return row;
}

type ConditionRow = Omit<typeof conditions.$inferInsert, "tenantId" | "ruleVersionId">;

/** One row per node of the tree; the path places it (`when.all.0.not`). */
function flatten(node: ConditionInput, path: string, out: ConditionRow[]): ConditionRow[] {
  if ("all" in node) {
    out.push({ path, kind: "all" });
    for (const [i, child] of node.all.entries()) {
      flatten(child, `${path}.all.${i}`, out);
    }
  } else if ("any" in node) {
    out.push({ path, kind: "any" });
    for (const [i, child] of node.any.entries()) {
      flatten(child, `${path}.any.${i}`, out);
    }
  } else if ("not" in node) {
    out.push({ path, kind: "not" });
    flatten(node.not, `${path}.not`, out);
  } else {
    out.push({
      path,
      kind: "fact",
      fact: node.fact,
      op: node.op,
      value: node.value === undefined ? null : { v: node.value },
    });
  }
  return out;
}

type StoredCondition = typeof conditions.$inferSelect;

function rebuild(rows: readonly StoredCondition[]): ConditionInput {
  const byPath = new Map(rows.map((row) => [row.path, row]));
  const build = (path: string): ConditionInput => {
    const row = byPath.get(path);
    if (!row) {
      throw new Error(`rule version ${rows[0]?.ruleVersionId}: condition ${path} is missing`);
    }
    if (row.kind === "all" || row.kind === "any") {
      const children: ConditionInput[] = [];
      for (let i = 0; byPath.has(`${path}.${row.kind}.${i}`); i++) {
        children.push(build(`${path}.${row.kind}.${i}`));
      }
      return row.kind === "all" ? { all: children } : { any: children };
    }
    if (row.kind === "not") {
      return { not: build(`${path}.not`) };
    }
    const leaf = { fact: row.fact ?? "", op: (row.op ?? "exists") as Operator };
    return row.value === null ? leaf : { ...leaf, value: row.value.v };
  };
  return build("when");
}

/** Writes one immutable version with its conditions and actions. */
export async function insertVersion(
  tx: Tx,
  input: {
    tenantId: string;
    ruleId: string;
    version: number;
    body: RuleBody;
    factTypes: Record<string, FactType>;
    actorId: string | null;
  },
): Promise<string> {
  const { body } = input;
  const [row] = await tx
    .insert(ruleVersions)
    .values({
      tenantId: input.tenantId,
      ruleId: input.ruleId,
      version: input.version,
      name: body.name,
      description: body.description ?? null,
      priority: body.priority,
      status: body.status,
      effectiveFrom: body.effectiveFrom,
      effectiveTo: body.effectiveTo ?? null,
      authority: body.reference.authority,
      section: body.reference.section,
      factTypes: input.factTypes,
      createdBy: input.actorId,
    })
    .returning({ id: ruleVersions.id });
  if (!row) {
    throw new Error("insert returned no row");
  }
  const versionId = row.id;
  await tx.insert(conditions).values(
    flatten(body.when, "when", []).map((c) => ({
      ...c,
      tenantId: input.tenantId,
      ruleVersionId: versionId,
    })),
  );
  await tx.insert(actions).values(
    body.actions.map((spec, position) => ({
      tenantId: input.tenantId,
      ruleVersionId: versionId,
      position,
      kind: spec.kind,
      spec,
    })),
  );
  return versionId;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) {
      group.push(item);
    } else {
      groups.set(key, [item]);
    }
  }
  return groups;
}

/** Rebuilds full rule versions (conditions and actions included) from their rows. */
async function assemble(
  tx: Tx,
  heads: { key: string; v: typeof ruleVersions.$inferSelect }[],
): Promise<RuleVersion[]> {
  if (heads.length === 0) {
    return [];
  }
  const ids = heads.map((h) => h.v.id);
  const [conditionRows, actionRows] = await Promise.all([
    tx.select().from(conditions).where(inArray(conditions.ruleVersionId, ids)),
    tx.select().from(actions).where(inArray(actions.ruleVersionId, ids)).orderBy(asc(actions.position)),
  ]);
  const conditionsOf = groupBy(conditionRows, (row) => row.ruleVersionId);
  const actionsOf = groupBy(actionRows, (row) => row.ruleVersionId);
  return heads.map(({ key, v }) => ({
    id: v.id,
    ruleId: v.ruleId,
    key,
    version: v.version,
    name: v.name,
    ...(v.description === null ? {} : { description: v.description }),
    priority: v.priority,
    status: v.status,
    effectiveFrom: v.effectiveFrom,
    effectiveTo: v.effectiveTo,
    reference: { authority: v.authority, section: v.section },
    factTypes: v.factTypes,
    when: rebuild(conditionsOf.get(v.id) ?? []),
    actions: (actionsOf.get(v.id) ?? []).map((a) => a.spec),
  }));
}

/** The latest version of every rule of a set (any status). */
export async function currentVersions(tx: Tx, ruleSetId: string): Promise<RuleVersion[]> {
  const heads = await tx
    .select({ key: rules.key, v: ruleVersions })
    .from(rules)
    .innerJoin(
      ruleVersions,
      and(
        eq(ruleVersions.tenantId, rules.tenantId),
        eq(ruleVersions.ruleId, rules.id),
        eq(ruleVersions.version, rules.currentVersion),
      ),
    )
    .where(eq(rules.ruleSetId, ruleSetId));
  return assemble(tx, heads);
}

/** Exact versions by id (a replay's). */
export async function versionsById(tx: Tx, ids: readonly string[]): Promise<RuleVersion[]> {
  if (ids.length === 0) {
    return [];
  }
  const heads = await tx
    .select({ key: rules.key, v: ruleVersions })
    .from(ruleVersions)
    .innerJoin(rules, and(eq(rules.tenantId, ruleVersions.tenantId), eq(rules.id, ruleVersions.ruleId)))
    .where(inArray(ruleVersions.id, [...ids]));
  return assemble(tx, heads);
}

/** Every version of one rule, oldest first. */
export async function versionsOfRule(tx: Tx, ruleId: string): Promise<RuleVersion[]> {
  const heads = await tx
    .select({ key: rules.key, v: ruleVersions })
    .from(ruleVersions)
    .innerJoin(rules, and(eq(rules.tenantId, ruleVersions.tenantId), eq(rules.id, ruleVersions.ruleId)))
    .where(eq(ruleVersions.ruleId, ruleId))
    .orderBy(asc(ruleVersions.version));
  return assemble(tx, heads);
}
