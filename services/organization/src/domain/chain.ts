import { notFound } from "@vextrus/platform";
import { rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { OrgContext } from "../deps.ts";

export const ChainForUserInput = z.object({ userId: z.uuid() });

export interface ChainLink {
  /** 0 is the user; 1 the person they report to; and so on upward. */
  level: number;
  userId: string;
  membershipId: string;
  companyId: string;
  departmentId: string;
  designation: { id: string; name: string; nameBn: string | null; rank: number; approvalLimit: string };
}

interface ChainRow {
  level: number;
  user_id: string;
  membership_id: string;
  company_id: string;
  department_id: string;
  designation_id: string;
  designation_name: string;
  designation_name_bn: string | null;
  rank: number;
  approval_limit: string;
  archived: boolean;
}

/**
 * The reporting chain from a user upward, each person with their designation and approval limit.
 * People who have left (archived memberships) are skipped, so their manager takes their place.
 */
export async function chainForUser({
  ctx,
  input,
}: {
  ctx: OrgContext;
  input: z.infer<typeof ChainForUserInput>;
}) {
  const result = await ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) =>
      tx.execute(sql`
        with recursive up as (
          select m.*, 0 as level from organization.memberships m where m.user_id = ${input.userId}
          union all
          select m.*, up.level + 1 from organization.memberships m
          join up on m.user_id = up.reports_to_user_id
          where up.level < 100
        )
        select up.level, up.user_id, up.id as membership_id, up.company_id, up.department_id,
               d.id as designation_id, d.name as designation_name, d.name_bn as designation_name_bn,
               d.rank, d.approval_limit::text as approval_limit, (up.archived_at is not null) as archived
        from up join organization.designations d on d.id = up.designation_id
        order by up.level`),
    { readOnly: true },
  );
  const rows = rowsOf<ChainRow>(result);
  const self = rows[0];
  if (!self || self.archived) {
    throw notFound({ en: "Membership", bn: "সদস্যপদ" }, "organization.membership.not_found");
  }
  const chain: ChainLink[] = rows
    .filter((row) => !row.archived)
    .map((row, index) => ({
      level: index,
      userId: row.user_id,
      membershipId: row.membership_id,
      companyId: row.company_id,
      departmentId: row.department_id,
      designation: {
        id: row.designation_id,
        name: row.designation_name,
        nameBn: row.designation_name_bn,
        rank: Number(row.rank),
        approvalLimit: row.approval_limit,
      },
    }));
  return { userId: input.userId, chain };
}
