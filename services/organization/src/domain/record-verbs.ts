import type { Bilingual } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import type { SQL } from "drizzle-orm";
import type { OrgContext } from "../deps.ts";
import {
  archiveRecord,
  definedOnly,
  findRecord,
  type ListInput,
  listRecords,
  type RecordTable,
  updateRecord,
} from "./common.ts";
import { publishChanged, publishCreated } from "./events.ts";

type Entity = "company" | "branch" | "department" | "designation" | "membership";
type Versioned = { id: string; expectedVersion: number };

export interface RecordSpec<Create, Update extends Versioned> {
  entity: Entity;
  label: Bilingual;
  table: RecordTable;
  /** Checks a schema cannot make (references, cycles), inside the same transaction as the write. */
  beforeCreate?: (tx: Tx, input: Create) => Promise<void>;
  beforeUpdate?: (tx: Tx, input: Update) => Promise<void>;
  beforeArchive?: (tx: Tx, id: string) => Promise<void>;
}

/**
 * The verbs every organization record shares — create, get, list, update, archive — each in one
 * tenant transaction, each change published through the outbox in that transaction.
 */
export function recordVerbs<Row extends { id: string }, Create extends object, Update extends Versioned>(
  spec: RecordSpec<Create, Update>,
) {
  const notFound = `organization.${spec.entity}.not_found`;
  const find = (tx: Tx, id: string) => findRecord<Row>(tx, spec.table, id, spec.label, notFound);
  return {
    find,
    create: ({ ctx, input }: { ctx: OrgContext; input: Create }) =>
      ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
        await spec.beforeCreate?.(tx, input);
        const [row] = (await tx
          .insert(spec.table.table)
          .values({ ...input, tenantId: ctx.tenantId } as never)
          .returning()) as Row[];
        if (!row) {
          throw new Error(`insert into ${spec.entity} returned nothing`);
        }
        await publishCreated(tx, ctx, `vextrus.organization.${spec.entity}.created`, row);
        return row;
      }),
    get: ({ ctx, input }: { ctx: OrgContext; input: { id: string } }) =>
      ctx.deps.db.tenant(ctx.tenantId, (tx) => find(tx, input.id), { readOnly: true, oneStatement: true }),
    list: ({ ctx, input }: { ctx: OrgContext; input: ListInput }, filters: (SQL | undefined)[] = []) =>
      ctx.deps.db.tenant(ctx.tenantId, (tx) => listRecords<Row>(tx, spec.table, input, filters), {
        readOnly: true,
        oneStatement: true,
      }),
    update: ({ ctx, input }: { ctx: OrgContext; input: Update }) =>
      ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
        await spec.beforeUpdate?.(tx, input);
        const { id, expectedVersion, ...patch } = input;
        const change = await updateRecord<Row>(
          tx,
          spec.table,
          { id, expectedVersion },
          definedOnly(patch),
          spec.label,
          notFound,
        );
        await publishChanged(tx, ctx, `vextrus.organization.${spec.entity}.updated`, change);
        return change.after;
      }),
    archive: ({ ctx, input }: { ctx: OrgContext; input: Versioned }) =>
      ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
        await spec.beforeArchive?.(tx, input.id);
        const change = await archiveRecord<Row>(tx, spec.table, input, spec.label, notFound);
        await publishChanged(tx, ctx, `vextrus.organization.${spec.entity}.archived`, change);
        return change.after;
      }),
  };
}
