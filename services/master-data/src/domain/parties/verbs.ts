import { AppError, invalidField } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { arrayContains, eq, inArray } from "drizzle-orm";
import { parties, partyStatus, partyTerms } from "../../db/schema.ts";
import type { MdContext } from "../../deps.ts";
import {
  definedOnly,
  type Entity,
  findRecord,
  listPage,
  lockRecord,
  type RecordTable,
  uniqueFields,
  updateVersioned,
} from "../common.ts";
import { publish, publishChanged, publishCreated } from "../events.ts";
import type { CreatePartyInput, ListPartiesInput, MergePartiesInput, UpdatePartyInput } from "./schemas.ts";

export type Party = typeof parties.$inferSelect;

const PARTY: Entity = { key: "party", label: { en: "Party", bn: "পক্ষ" } };
/** A party search goes through party_terms, its own table of words (migrations 0013/0014). */
const TABLE: RecordTable = {
  table: parties,
  id: parties.id,
  version: parties.version,
  terms: {
    table: partyTerms,
    recordId: partyTerms.partyId,
    term: partyTerms.term,
    /** Lowercased, split at spaces (as party_terms_sync splits names). */
    words: (search) => [...new Set(search.toLowerCase().split(/\s+/).filter(Boolean))],
  },
};
/** Unique indexes → the field a duplicate names. */
const UNIQUE = { parties_tenant_id_bin_key: "bin", parties_tenant_id_etin_key: "etin" };

type Call<Input> = { ctx: MdContext; input: Input };

const notArchived = (party: Party) => {
  if (party.status === "archived") {
    throw new AppError("PRECONDITION_FAILED", "master_data.party.archived", {
      en: "This party is archived; restore it first",
      bn: "এই পক্ষটি আর্কাইভ করা হয়েছে; আগে পুনরুদ্ধার করুন",
    });
  }
};

export const createParty = ({ ctx, input }: Call<CreatePartyInput>) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [row] = await uniqueFields(
      tx
        .insert(parties)
        .values({ ...input, tenantId: ctx.tenantId, createdAt: ctx.deps.now(), updatedAt: ctx.deps.now() })
        .returning(),
      PARTY,
      UNIQUE,
    );
    if (!row) {
      throw new Error("insert into parties returned nothing");
    }
    await publishCreated(tx, ctx, "vextrus.master_data.party.created", row);
    ctx.deps.metrics.recordsCreated.inc({ entity: "party" });
    return row;
  });

export const getParty = ({ ctx, input }: Call<{ id: string }>) =>
  ctx.deps.db.tenant(ctx.tenantId, (tx) => findRecord<Party>(tx, TABLE, PARTY, input.id), { readOnly: true });

/**
 * "Not archived", said as the statuses it keeps. Under FORCE row-level security the planner may not
 * read a column's value statistics through a non-LEAKPROOF operator (enum comparison is one), so it
 * estimates `status <> 'archived'` as 1 - 1/ndistinct: zero rows when every party is active. With
 * that estimate it ran the search as a nested loop over every party (seconds over 100,000); the same
 * condition as `status IN (active, blocked)` is estimated as most rows, and the plan starts from the terms.
 */
const LIVE_STATUSES = partyStatus.enumValues.filter((status) => status !== "archived");

export const listParties = ({ ctx, input }: Call<ListPartiesInput>) =>
  ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) =>
      listPage<Party>(tx, TABLE, input, [
        input.role ? arrayContains(parties.roles, [input.role]) : undefined,
        input.status ? eq(parties.status, input.status) : undefined,
        input.includeArchived || input.status ? undefined : inArray(parties.status, LIVE_STATUSES),
      ]),
    { readOnly: true },
  );

async function change(
  tx: Tx,
  ctx: MdContext,
  input: { id: string; expectedVersion: number },
  patch: Partial<Party>,
  check?: (before: Party) => void,
) {
  return uniqueFields(
    updateVersioned<Party>(tx, TABLE, PARTY, input, patch, ctx.deps.now(), check),
    PARTY,
    UNIQUE,
  );
}

export const updateParty = ({ ctx, input }: Call<UpdatePartyInput>) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const { id, expectedVersion, ...patch } = input;
    const result = await change(tx, ctx, { id, expectedVersion }, definedOnly(patch), notArchived);
    await publishChanged(tx, ctx, "vextrus.master_data.party.updated", result);
    return result.after;
  });

export const archiveParty = ({ ctx, input }: Call<{ id: string; expectedVersion: number }>) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const result = await change(tx, ctx, input, { status: "archived" }, notArchived);
    await publishChanged(tx, ctx, "vextrus.master_data.party.archived", result);
    return result.after;
  });

export const restoreParty = ({ ctx, input }: Call<{ id: string; expectedVersion: number }>) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const result = await change(tx, ctx, input, { status: "active" }, (party) => {
      if (party.status !== "archived" || party.mergedIntoId) {
        throw new AppError("PRECONDITION_FAILED", "master_data.party.not_restorable", {
          en: "Only an archived party that was not merged can be restored",
          bn: "শুধু আর্কাইভ করা এবং একীভূত না হওয়া পক্ষকে পুনরুদ্ধার করা যায়",
        });
      }
    });
    await publishChanged(tx, ctx, "vextrus.master_data.party.restored", result);
    return result.after;
  });

/**
 * `mergeId` was a duplicate of `keepId`: the duplicate is archived pointing at the party kept, which
 * gains its roles. Nothing in other services is re-pointed here: they consume `party.merged`.
 */
export const mergeParties = ({ ctx, input }: Call<MergePartiesInput>) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    if (input.keepId === input.mergeId) {
      throw invalidField("mergeId", "master_data.party.merge_self", {
        en: "A party cannot be merged into itself",
        bn: "কোনো পক্ষকে তার নিজের সাথে একীভূত করা যায় না",
      });
    }
    // Both rows locked in id order, so two opposite merges cannot deadlock.
    const [first, second] = [input.keepId, input.mergeId].sort();
    const locked = new Map<string, Party>();
    for (const id of [first, second]) {
      if (id) {
        locked.set(id, await lockRecord<Party>(tx, TABLE, PARTY, id));
      }
    }
    const keep = locked.get(input.keepId);
    const merged = locked.get(input.mergeId);
    if (!keep || !merged) {
      throw new Error("locked parties missing");
    }
    notArchived(keep);
    notArchived(merged);
    const now = ctx.deps.now();
    const roles = [...new Set([...keep.roles, ...merged.roles])];
    const at = (p: Party) => ({ id: p.id, expectedVersion: p.version });
    const keepAfter = await updateVersioned<Party>(tx, TABLE, PARTY, at(keep), { roles }, now);
    const mergedAfter = await updateVersioned<Party>(
      tx,
      TABLE,
      PARTY,
      at(merged),
      { status: "archived", mergedIntoId: keep.id },
      now,
    );
    await publish(tx, ctx, "vextrus.master_data.party.merged", merged.id, {
      id: merged.id,
      keepId: keep.id,
      mergeId: merged.id,
      keep: keepAfter.after,
      merged: mergedAfter.after,
    });
    return { keep: keepAfter.after, merged: mergedAfter.after };
  });
