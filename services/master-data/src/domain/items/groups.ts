import { AppError, invalidField } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { itemGroups, items } from "../../db/schema.ts";
import type { MdContext } from "../../deps.ts";
import { Code, ExpectedVersion, ListInput, Name, NameBn, recordTermsOf } from "../common.ts";
import { recordVerbs } from "../records.ts";
import { assertNoCycle } from "../tree.ts";

export const CreateItemGroupInput = z.object({
  code: Code,
  name: Name,
  nameBn: NameBn.optional(),
  parentId: z.uuid().optional(),
});
export const UpdateItemGroupInput = z.object({
  id: z.uuid(),
  expectedVersion: ExpectedVersion,
  code: Code.optional(),
  name: Name.optional(),
  nameBn: NameBn.nullable().optional(),
  parentId: z.uuid().nullable().optional(),
});
export const ListItemGroupsInput = ListInput.extend({
  parentId: z.uuid().optional(),
  includeArchived: z.boolean().default(false),
});

export type ItemGroup = typeof itemGroups.$inferSelect;
const GROUP = {
  key: "item_group",
  event: "item_group",
  label: { en: "Item group", bn: "পণ্যের গ্রুপ" },
} as const;
const LINK = { table: itemGroups, id: itemGroups.id, parent: itemGroups.parentId };

/** An active group of this tenant, or a 400 naming `field`. */
export async function activeGroup(tx: Tx, id: string, field: string) {
  const [group] = await tx.select().from(itemGroups).where(eq(itemGroups.id, id)).limit(1);
  if (!group || group.archivedAt) {
    throw invalidField(field, "master_data.item_group.unknown", {
      en: "No such item group (or it is archived)",
      bn: "এমন কোনো পণ্যের গ্রুপ নেই (অথবা আর্কাইভ করা)",
    });
  }
  return group;
}

const verbs = recordVerbs<
  ItemGroup,
  z.infer<typeof CreateItemGroupInput>,
  z.infer<typeof UpdateItemGroupInput>
>({
  entity: GROUP,
  table: {
    table: itemGroups,
    id: itemGroups.id,
    version: itemGroups.version,
    terms: recordTermsOf("item_groups"),
    archivedAt: itemGroups.archivedAt,
  },
  unique: { item_groups_tenant_id_code_key: "code" },
  async beforeCreate(tx, input) {
    if (input.parentId) {
      await activeGroup(tx, input.parentId, "parentId");
    }
  },
  async beforeUpdate(tx, input) {
    if (input.parentId) {
      await activeGroup(tx, input.parentId, "parentId");
      await assertNoCycle(tx, LINK, GROUP, input.id, input.parentId);
    }
  },
  /** Refused while active sub-groups or items remain in it. */
  async beforeArchive(tx, id) {
    const [child] = await tx
      .select({ id: itemGroups.id })
      .from(itemGroups)
      .where(and(eq(itemGroups.parentId, id), isNull(itemGroups.archivedAt)))
      .limit(1);
    const [item] = await tx
      .select({ id: items.id })
      .from(items)
      .where(and(eq(items.groupId, id), isNull(items.archivedAt)))
      .limit(1);
    if (child || item) {
      throw new AppError("PRECONDITION_FAILED", "master_data.item_group.in_use", {
        en: "Move or archive this group's sub-groups and items first",
        bn: "প্রথমে এই গ্রুপের উপগ্রুপ ও পণ্যগুলো সরান বা আর্কাইভ করুন",
      });
    }
  },
});

export const createItemGroup = verbs.create;
export const getItemGroup = verbs.get;
export const updateItemGroup = verbs.update;
export const archiveItemGroup = verbs.archive;
export const restoreItemGroup = verbs.restore;
export const listItemGroups = ({
  ctx,
  input,
}: {
  ctx: MdContext;
  input: z.infer<typeof ListItemGroupsInput>;
}) => verbs.list({ ctx, input }, [input.parentId ? eq(itemGroups.parentId, input.parentId) : undefined]);
