import { CONFIG_KEYS, definitionOf, pickValue, type Resolution, type StoredValue } from "@vextrus/config";
import type { Tx } from "@vextrus/platform/db";
import { and, eq, inArray, or } from "drizzle-orm";
import { z } from "zod";
import { values } from "../db/schema.ts";
import type { ConfigContext } from "../deps.ts";
import { type Context, Context as ContextInput, chainOf } from "./scope.ts";

const Instant = z.iso.datetime({ offset: true });

export const ResolveInput = z.strictObject({
  key: z.enum(CONFIG_KEYS),
  scope: ContextInput,
  /** The instant asked about; now (the server's clock) when left out. */
  at: Instant.optional(),
});

export const ResolveManyInput = z.strictObject({
  keys: z.array(z.enum(CONFIG_KEYS)).min(1).max(100),
  scope: ContextInput,
  at: Instant.optional(),
});

/** Every stored version of `keys` along the scope chain of `context` (the platform's included). */
async function chainValues(
  tx: Tx,
  tenantId: string,
  keys: readonly string[],
  context: Context,
): Promise<StoredValue[]> {
  const chain = chainOf(tenantId, context);
  const rows = await tx
    .select({
      id: values.id,
      key: values.key,
      scopeLevel: values.scopeLevel,
      scopeId: values.scopeId,
      version: values.version,
      value: values.value,
      effectiveFrom: values.effectiveFrom,
      effectiveTo: values.effectiveTo,
    })
    .from(values)
    .where(
      and(
        keys.length === 1 ? eq(values.key, keys[0] ?? "") : inArray(values.key, [...keys]),
        or(
          ...chain.map((s) =>
            and(
              eq(values.tenantId, s.tenantId),
              eq(values.scopeLevel, s.level),
              eq(values.scopeId, s.scopeId),
            ),
          ),
        ),
      ),
    );
  return rows.map((row) => ({ ...row, value: row.value.v }));
}

/**
 * What `keys` are at `at` for `context`, each with where the value came from (scope, version) and
 * until when the answer holds by dating alone. One read-only tenant transaction.
 */
export async function resolveKeys(
  ctx: ConfigContext,
  keys: readonly string[],
  context: Context,
  at: Date,
): Promise<Resolution[]> {
  const rows = await ctx.deps.db.tenant(ctx.tenantId, (tx) => chainValues(tx, ctx.tenantId, keys, context), {
    readOnly: true,
  });
  const byKey = new Map<string, StoredValue[]>();
  for (const row of rows) {
    byKey.set(row.key, [...(byKey.get(row.key) ?? []), row]);
  }
  return keys.map((key) => {
    const definition = definitionOf(key);
    if (!definition) {
      throw new Error(`resolveKeys: ${key} is not declared (the input schema lets only declared keys in)`);
    }
    const resolution = pickValue(definition, byKey.get(key) ?? [], at);
    ctx.deps.metrics.resolutions.inc({ source: resolution.source.level });
    return resolution;
  });
}

export async function resolve({ ctx, input }: { ctx: ConfigContext; input: z.infer<typeof ResolveInput> }) {
  const at = input.at ? new Date(input.at) : ctx.deps.clock();
  const [resolution] = await resolveKeys(ctx, [input.key], input.scope, at);
  if (!resolution) {
    throw new Error("resolveKeys answered nothing for one key");
  }
  return { ...resolution, at };
}

export async function resolveMany({
  ctx,
  input,
}: {
  ctx: ConfigContext;
  input: z.infer<typeof ResolveManyInput>;
}) {
  const at = input.at ? new Date(input.at) : ctx.deps.clock();
  const keys = [...new Set(input.keys)];
  return { at, items: await resolveKeys(ctx, keys, input.scope, at) };
}
