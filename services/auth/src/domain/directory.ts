import { inArray } from "drizzle-orm";
import { z } from "zod";
import { users } from "../db/schema.ts";
import type { AuthContext } from "../deps.ts";

export const LookupInput = z.object({
  ids: z
    .array(z.uuid())
    .min(1)
    .max(100)
    .transform((ids) => [...new Set(ids)]),
});

/**
 * Which of `ids` are users of the caller's tenant, with their status and row version: what other
 * services check before naming a user in a record (a membership, a committee, a delegation). Any
 * signed-in caller may ask; it answers only about the caller's own tenant (row-level security) and
 * tells nothing beyond existence and status.
 */
export async function lookupUsers({ ctx, input }: { ctx: AuthContext; input: z.infer<typeof LookupInput> }) {
  const rows = await ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) =>
      tx
        .select({ id: users.id, status: users.status, version: users.version })
        .from(users)
        .where(inArray(users.id, input.ids)),
    { readOnly: true },
  );
  return { users: rows };
}
