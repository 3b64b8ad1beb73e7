import { CONFIG_KEYS, definitionOf, type SettingDefinition } from "@vextrus/config";
import { AppError, fromDatabaseError, jsonBytes, pageInput, pageOf } from "@vextrus/platform";
import { keyset, type Tx } from "@vextrus/platform/db";
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { values } from "../db/schema.ts";
import type { ConfigContext } from "../deps.ts";
import {
  emptyRange,
  invalidValue,
  PLATFORM_WRITE,
  requirePermission,
  scopeNotAllowed,
  staleVersion,
} from "./errors.ts";
import { publishVersion } from "./events.ts";
import { type StoredScope, storedScope, Target } from "./scope.ts";

const Instant = z.iso.datetime({ offset: true });
const Key = z.enum(CONFIG_KEYS);
const MAX_VALUE_BYTES = 16_384;

export const SetInput = z.strictObject({
  key: Key,
  scope: Target,
  /** Checked against the key's own schema; at most 16 KiB of JSON. */
  value: z.json().superRefine((value, ctx) => {
    if (jsonBytes(value) > MAX_VALUE_BYTES) {
      ctx.addIssue({
        code: "custom",
        message: `must be at most ${MAX_VALUE_BYTES} bytes of JSON`,
        params: { code: "input.too_large", messageBn: `JSON আকারে ${MAX_VALUE_BYTES} বাইটের বেশি হতে পারবে না` },
      });
    }
  }),
  /** When the value starts to apply; now (the server's clock) when left out. */
  effectiveFrom: Instant.optional(),
  effectiveTo: Instant.optional(),
  /** The series' latest version as the caller read it; 0 when nothing is set at this scope yet. */
  expectedVersion: z.number().int().min(0),
});
export type SetInput = z.infer<typeof SetInput>;

/** A series' versions, newest first; the cursor carries the last version seen. */
export const HistoryInput = z.strictObject({ key: Key, scope: Target, ...pageInput({ key: "integer" }) });

export const ListValuesInput = z.strictObject({ key: Key.optional(), ...pageInput() });

type Row = typeof values.$inferSelect;

/** A stored version as the API answers it. */
export function toVersion(row: Row) {
  return {
    id: row.id,
    key: row.key,
    scope: { level: row.scopeLevel, id: row.scopeId },
    version: row.version,
    value: row.value.v,
    effectiveFrom: row.effectiveFrom,
    effectiveTo: row.effectiveTo,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
  };
}
export type Version = ReturnType<typeof toVersion>;

const inSeries = (key: string, scope: StoredScope) =>
  and(
    eq(values.tenantId, scope.tenantId),
    eq(values.key, key),
    eq(values.scopeLevel, scope.level),
    eq(values.scopeId, scope.scopeId),
  );

function definitionFor(key: string): SettingDefinition {
  const definition = definitionOf(key);
  if (!definition) {
    throw new AppError(
      "VALIDATION",
      "configuration.key.unknown",
      { en: `No such key: ${key}`, bn: `এমন কোনো কী নেই: ${key}` },
      "key",
    );
  }
  return definition;
}

/**
 * Sets `key` at one scope from `effectiveFrom`: a new immutable version of the series, written with
 * its event in one transaction. The value must satisfy the key's schema, the scope must be one the key
 * allows, the caller must hold the key's permission (and `platform:config:write` for platform-wide
 * values), and `expectedVersion` must be the series' latest version (CONFLICT otherwise).
 */
export async function setValue({ ctx, input }: { ctx: ConfigContext; input: SetInput }): Promise<Version> {
  const definition = definitionFor(input.key);
  if (!definition.scopes.includes(input.scope.level)) {
    throw scopeNotAllowed(definition, input.scope.level);
  }
  requirePermission(ctx, definition.permission);
  if (input.scope.level === "platform") {
    requirePermission(ctx, PLATFORM_WRITE);
  }
  const parsed = definition.schema.safeParse(input.value);
  if (!parsed.success) {
    throw invalidValue(definition, parsed.error.issues);
  }
  const effectiveFrom = input.effectiveFrom ? new Date(input.effectiveFrom) : ctx.deps.clock();
  const effectiveTo = input.effectiveTo ? new Date(input.effectiveTo) : null;
  if (effectiveTo && effectiveTo <= effectiveFrom) {
    throw emptyRange();
  }
  const scope = storedScope(ctx.tenantId, input.scope);
  try {
    const row = await ctx.deps.db.tenant(scope.tenantId, async (tx) => {
      const latest = await latestVersion(tx, input.key, scope);
      if ((latest?.version ?? 0) !== input.expectedVersion) {
        throw staleVersion(input.key, latest?.version ?? 0);
      }
      const [inserted] = await tx
        .insert(values)
        .values({
          tenantId: scope.tenantId,
          key: input.key,
          scopeLevel: scope.level,
          scopeId: scope.scopeId,
          version: input.expectedVersion + 1,
          value: { v: parsed.data },
          effectiveFrom,
          effectiveTo,
          createdAt: ctx.deps.clock(),
          createdBy: ctx.principal.userId,
        })
        .returning();
      if (!inserted) {
        throw new Error("insert into configuration.values returned nothing");
      }
      await publishVersion(tx, ctx, definition.kind, scope, latest, inserted);
      return inserted;
    });
    ctx.deps.metrics.valuesSet.inc({ kind: definition.kind });
    return toVersion(row);
  } catch (error) {
    // Two writers at the same expectedVersion: the unique series version lets exactly one in.
    if (fromDatabaseError(error)?.code === "db.unique") {
      throw staleVersion(input.key, undefined);
    }
    throw error;
  }
}

async function latestVersion(tx: Tx, key: string, scope: StoredScope): Promise<Row | undefined> {
  const [row] = await tx
    .select()
    .from(values)
    .where(inSeries(key, scope))
    .orderBy(desc(values.version))
    .limit(1);
  return row;
}

/** A keyset page of stored rows, answered as versions. */
function versionPage(rows: Row[], limit: number, keyOf: (row: Row) => string | number) {
  const page = pageOf(rows, limit, keyOf);
  return { items: page.items.map(toVersion), nextCursor: page.nextCursor };
}

/** Every version of `key` at one scope, newest first (keyset on the version). */
export function history({ ctx, input }: { ctx: ConfigContext; input: z.infer<typeof HistoryInput> }) {
  const scope = storedScope(ctx.tenantId, input.scope);
  return ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const page = keyset({ id: values.version, direction: "desc", key: "integer" }, input.cursor);
      const rows = await tx
        .select()
        .from(values)
        .where(and(inSeries(input.key, scope), page.where))
        .orderBy(...page.orderBy)
        .limit(input.limit + 1);
      return versionPage(rows, input.limit, (row) => row.version);
    },
    { readOnly: true },
  );
}

/** Every version the tenant has set (not the platform's), oldest first, keyset on the id. */
export function listValues({ ctx, input }: { ctx: ConfigContext; input: z.infer<typeof ListValuesInput> }) {
  return ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const page = keyset({ id: values.id }, input.cursor);
      const rows = await tx
        .select()
        .from(values)
        .where(
          and(
            eq(values.tenantId, ctx.tenantId),
            input.key ? eq(values.key, input.key) : undefined,
            page.where,
          ),
        )
        .orderBy(...page.orderBy)
        .limit(input.limit + 1);
      return versionPage(rows, input.limit, (row) => row.id);
    },
    { readOnly: true },
  );
}
