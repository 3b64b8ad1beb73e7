import { AppError } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { isNull, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { MdContext } from "../deps.ts";
import {
  definedOnly,
  type Entity,
  findRecord,
  type ListInput,
  listPage,
  type RecordTable,
  uniqueFields,
  updateVersioned,
} from "./common.ts";
import { publishChanged, publishCreated } from "./events.ts";

/** The master records whose events are `vextrus.master_data.<event>.created / updated / archived / restored`. */
export type RecordEvent = "unit" | "item" | "item_group" | "account" | "cost_centre" | "project" | "series";

type Versioned = { id: string; expectedVersion: number };
type Call<Input> = { ctx: MdContext; input: Input };
interface RecordRow {
  id: string;
  version: number;
  archivedAt: Date | null;
}

export interface RecordSpec<Create, Update extends Versioned> {
  entity: Entity & { event: RecordEvent };
  table: RecordTable & { archivedAt: PgColumn };
  /** Unique index name → the field a duplicate names. */
  unique?: Readonly<Record<string, string>>;
  /**
   * Checks a schema cannot make (references, cycles, categories, rates in force), in the write's
   * transaction; `now` is the server's clock. What they return (columns they computed, e.g. an item's
   * VAT rate from its category on `now`) is written with the input.
   */
  beforeCreate?: (tx: Tx, input: Create, now: Date) => Promise<object | undefined>;
  beforeUpdate?: (tx: Tx, input: Update, now: Date) => Promise<object | undefined>;
  beforeArchive?: (tx: Tx, id: string) => Promise<void>;
  /** Columns computed from the input (e.g. a plot's square feet), written with it. */
  derive?: (input: Partial<Create>) => object;
}

const archivedError = (entity: Entity) =>
  new AppError("PRECONDITION_FAILED", `master_data.${entity.key}.archived`, {
    en: `This ${entity.label.en.toLowerCase()} is archived; restore it first`,
    bn: `এই ${entity.label.bn} আর্কাইভ করা হয়েছে; আগে পুনরুদ্ধার করুন`,
  });

/**
 * create / get / list / update / archive / restore for a master record with an `archived_at`
 * column: each in one tenant transaction, each change published through the outbox in it.
 */
export function recordVerbs<Row extends RecordRow, Create extends object, Update extends Versioned>(
  spec: RecordSpec<Create, Update>,
) {
  const { entity, table } = spec;
  const unique = spec.unique ?? {};
  const type = <K extends "created" | "updated" | "archived" | "restored">(kind: K) =>
    `vextrus.master_data.${entity.event}.${kind}` as const;
  const change = (ctx: MdContext, tx: Tx, input: Versioned, patch: object, check: (row: Row) => void) =>
    uniqueFields(
      updateVersioned<Row>(tx, table, entity, input, patch as Record<string, unknown>, ctx.deps.now(), check),
      entity,
      unique,
    );
  const active = (row: Row) => {
    if (row.archivedAt) {
      throw archivedError(entity);
    }
  };
  return {
    find: (tx: Tx, id: string) => findRecord<Row>(tx, table, entity, id),
    create: ({ ctx, input }: Call<Create>) =>
      ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
        const now = ctx.deps.now();
        const computed = (await spec.beforeCreate?.(tx, input, now)) ?? {};
        const [row] = (await uniqueFields<unknown[]>(
          tx
            .insert(table.table)
            .values({
              ...input,
              ...spec.derive?.(input),
              ...computed,
              tenantId: ctx.tenantId,
              createdAt: now,
              updatedAt: now,
            } as never)
            .returning(),
          entity,
          unique,
        )) as Row[];
        if (!row) {
          throw new Error(`insert of a ${entity.key} returned nothing`);
        }
        await publishCreated(tx, ctx, type("created"), row);
        ctx.deps.metrics.recordsCreated.inc({ entity: entity.key });
        return row;
      }),
    get: ({ ctx, input }: Call<{ id: string }>) =>
      ctx.deps.db.tenant(ctx.tenantId, (tx) => findRecord<Row>(tx, table, entity, input.id), {
        readOnly: true,
      }),
    list: (
      { ctx, input }: Call<ListInput & { includeArchived: boolean }>,
      filters: (SQL | undefined)[] = [],
    ) =>
      ctx.deps.db.tenant(
        ctx.tenantId,
        (tx) =>
          listPage<Row>(tx, table, input, [
            input.includeArchived ? undefined : isNull(table.archivedAt),
            ...filters,
          ]),
        { readOnly: true },
      ),
    update: ({ ctx, input }: Call<Update>) =>
      ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
        const computed = (await spec.beforeUpdate?.(tx, input, ctx.deps.now())) ?? {};
        const { id, expectedVersion, ...patch } = input;
        const fields = definedOnly(patch);
        const derived = spec.derive?.(fields as Partial<Create>) ?? {};
        const result = await change(
          ctx,
          tx,
          { id, expectedVersion },
          { ...fields, ...derived, ...computed },
          active,
        );
        await publishChanged(tx, ctx, type("updated"), result);
        return result.after;
      }),
    archive: ({ ctx, input }: Call<Versioned>) =>
      ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
        await spec.beforeArchive?.(tx, input.id);
        const result = await change(ctx, tx, input, { archivedAt: ctx.deps.now() }, active);
        await publishChanged(tx, ctx, type("archived"), result);
        return result.after;
      }),
    restore: ({ ctx, input }: Call<Versioned>) =>
      ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
        const result = await change(ctx, tx, input, { archivedAt: null }, (row) => {
          if (!row.archivedAt) {
            throw new AppError("PRECONDITION_FAILED", `master_data.${entity.key}.not_archived`, {
              en: `This ${entity.label.en.toLowerCase()} is not archived`,
              bn: `এই ${entity.label.bn} আর্কাইভ করা নয়`,
            });
          }
        });
        await publishChanged(tx, ctx, type("restored"), result);
        return result.after;
      }),
  };
}
