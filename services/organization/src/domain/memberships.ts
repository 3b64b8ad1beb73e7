import { invalidField } from "@vextrus/platform";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { memberships } from "../db/schema.ts";
import type { OrgContext } from "../deps.ts";
import { ExpectedVersion, ListInput } from "./common.ts";
import { wouldCycle } from "./hierarchy.ts";
import { recordVerbs } from "./record-verbs.ts";

export const CreateMembershipInput = z.object({
  userId: z.uuid(),
  companyId: z.uuid(),
  departmentId: z.uuid(),
  designationId: z.uuid(),
  reportsToUserId: z.uuid().optional(),
});
export const UpdateMembershipInput = CreateMembershipInput.omit({ userId: true }).partial().extend({
  id: z.uuid(),
  reportsToUserId: z.uuid().nullable().optional(),
  expectedVersion: ExpectedVersion,
});
export const ListMembershipsInput = ListInput.extend({
  companyId: z.uuid().optional(),
  departmentId: z.uuid().optional(),
  reportsToUserId: z.uuid().optional(),
});

export type Membership = typeof memberships.$inferSelect;

const LINK = { table: memberships, key: memberships.userId, parent: memberships.reportsToUserId };
const CYCLE = {
  en: "This reporting line would loop back to the same person",
  bn: "এই রিপোর্টিং লাইনটি একই ব্যক্তির কাছে ফিরে আসবে",
};
const cycle = () => invalidField("reportsToUserId", "organization.membership.cycle", CYCLE);

/** One membership per user; reporting lines never loop (someone reporting to themselves included). */
const verbs = recordVerbs<
  Membership,
  z.infer<typeof CreateMembershipInput>,
  z.infer<typeof UpdateMembershipInput>
>({
  entity: "membership",
  label: { en: "Membership", bn: "সদস্যপদ" },
  table: {
    table: memberships,
    id: memberships.id,
    archivedAt: memberships.archivedAt,
    version: memberships.version,
  },
  async beforeCreate(_tx, input) {
    if (input.reportsToUserId === input.userId) {
      throw cycle();
    }
  },
  async beforeUpdate(tx, input) {
    if (input.reportsToUserId) {
      const current = await verbs.find(tx, input.id);
      if (await wouldCycle(tx, LINK, current.userId, input.reportsToUserId)) {
        throw cycle();
      }
    }
  },
});

/**
 * The member and the person they report to must be active users of the tenant (checked before the
 * transaction: the check may ask auth).
 */
export async function createMembership({
  ctx,
  input,
}: {
  ctx: OrgContext;
  input: z.infer<typeof CreateMembershipInput>;
}) {
  await ctx.deps.users.require(ctx, [
    { field: "userId", id: input.userId },
    { field: "reportsToUserId", id: input.reportsToUserId },
  ]);
  return verbs.create({ ctx, input });
}

/** A new reports-to must be an active user of the tenant. */
export async function updateMembership({
  ctx,
  input,
}: {
  ctx: OrgContext;
  input: z.infer<typeof UpdateMembershipInput>;
}) {
  await ctx.deps.users.require(ctx, [{ field: "reportsToUserId", id: input.reportsToUserId }]);
  return verbs.update({ ctx, input });
}

export const getMembership = verbs.get;
export const archiveMembership = verbs.archive;
export const listMemberships = ({
  ctx,
  input,
}: {
  ctx: OrgContext;
  input: z.infer<typeof ListMembershipsInput>;
}) =>
  verbs.list({ ctx, input }, [
    input.companyId ? eq(memberships.companyId, input.companyId) : undefined,
    input.departmentId ? eq(memberships.departmentId, input.departmentId) : undefined,
    input.reportsToUserId ? eq(memberships.reportsToUserId, input.reportsToUserId) : undefined,
  ]);
