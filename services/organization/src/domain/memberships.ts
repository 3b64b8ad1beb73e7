import { invalidField } from "@vextrus/platform";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { memberships } from "../db/schema.ts";
import type { OrgContext } from "../deps.ts";
import {
  type ArchiveInput,
  archiveRecord,
  type ByIdInput,
  definedOnly,
  findRecord,
  ListInput,
  listRecords,
  updateRecord,
} from "./common.ts";
import { publishChanged, publishCreated } from "./events.ts";
import { wouldCycle } from "./hierarchy.ts";

const LABEL = { en: "Membership", bn: "সদস্যপদ" };
const NOT_FOUND = "organization.membership.not_found";
const TABLE = {
  table: memberships,
  id: memberships.id,
  archivedAt: memberships.archivedAt,
  version: memberships.version,
};
const LINK = { table: memberships, key: memberships.userId, parent: memberships.reportsToUserId };
const CYCLE = {
  en: "This reporting line would loop back to the same person",
  bn: "এই রিপোর্টিং লাইনটি একই ব্যক্তির কাছে ফিরে আসবে",
};

export const CreateMembershipInput = z.object({
  userId: z.uuid(),
  companyId: z.uuid(),
  departmentId: z.uuid(),
  designationId: z.uuid(),
  reportsToUserId: z.uuid().optional(),
});
export const UpdateMembershipInput = CreateMembershipInput.omit({ userId: true })
  .partial()
  .extend({
    id: z.uuid(),
    reportsToUserId: z.uuid().nullable().optional(),
    expectedVersion: z.number().int().min(1).optional(),
  });
export const ListMembershipsInput = ListInput.extend({
  companyId: z.uuid().optional(),
  departmentId: z.uuid().optional(),
  reportsToUserId: z.uuid().optional(),
});

export type Membership = typeof memberships.$inferSelect;

export const createMembership = ({
  ctx,
  input,
}: {
  ctx: OrgContext;
  input: z.infer<typeof CreateMembershipInput>;
}) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    if (input.reportsToUserId === input.userId) {
      throw invalidField("reportsToUserId", "organization.membership.cycle", CYCLE);
    }
    const [row] = await tx
      .insert(memberships)
      .values({ ...input, tenantId: ctx.tenantId })
      .returning();
    await publishCreated(tx, ctx, "vextrus.organization.membership.created", row as Membership);
    return row as Membership;
  });

export const getMembership = ({ ctx, input }: { ctx: OrgContext; input: z.infer<typeof ByIdInput> }) =>
  ctx.deps.db.tenant(ctx.tenantId, (tx) => findRecord<Membership>(tx, TABLE, input.id, LABEL, NOT_FOUND), {
    readOnly: true,
  });

export const listMemberships = ({
  ctx,
  input,
}: {
  ctx: OrgContext;
  input: z.infer<typeof ListMembershipsInput>;
}) =>
  ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) =>
      listRecords<Membership>(tx, TABLE, input, [
        input.companyId ? eq(memberships.companyId, input.companyId) : undefined,
        input.departmentId ? eq(memberships.departmentId, input.departmentId) : undefined,
        input.reportsToUserId ? eq(memberships.reportsToUserId, input.reportsToUserId) : undefined,
      ]),
    { readOnly: true },
  );

export const updateMembership = ({
  ctx,
  input,
}: {
  ctx: OrgContext;
  input: z.infer<typeof UpdateMembershipInput>;
}) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const { id, expectedVersion, ...patch } = input;
    if (patch.reportsToUserId) {
      const current = await findRecord<Membership>(tx, TABLE, id, LABEL, NOT_FOUND);
      if (await wouldCycle(tx, LINK, current.userId, patch.reportsToUserId)) {
        throw invalidField("reportsToUserId", "organization.membership.cycle", CYCLE);
      }
    }
    const change = await updateRecord<Membership>(
      tx,
      TABLE,
      { id, expectedVersion },
      definedOnly(patch),
      LABEL,
      NOT_FOUND,
    );
    await publishChanged(tx, ctx, "vextrus.organization.membership.updated", change);
    return change.after;
  });

export const archiveMembership = ({ ctx, input }: { ctx: OrgContext; input: z.infer<typeof ArchiveInput> }) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const change = await archiveRecord<Membership>(tx, TABLE, input, LABEL, NOT_FOUND);
    await publishChanged(tx, ctx, "vextrus.organization.membership.archived", change);
    return change.after;
  });
