import type { CallContext, Principal, ServiceClient } from "@vextrus/platform";
import { z } from "zod";

const ChainLink = z.object({
  level: z.number().int(),
  userId: z.string(),
  designation: z.object({
    id: z.string(),
    name: z.string(),
    nameBn: z.string().nullable(),
    rank: z.number().int(),
    approvalLimit: z.string(),
  }),
});

/** The slice of `organization.chain.forUser` workflow relies on (extra fields are ignored). */
export const ChainAnswer = z.object({ userId: z.string(), chain: z.array(ChainLink) });
export type ChainAnswer = z.infer<typeof ChainAnswer>;

const DepartmentAnswer = z.object({ id: z.string() });

/** A call on behalf of a request: its token (forwarded), tenant and permissions (checked by a cache). */
export type OrganizationCall = CallContext & { tenantId: string; principal: Pick<Principal, "permissions"> };

export interface OrganizationClient {
  chainForUser(input: { userId: string }, call: OrganizationCall): Promise<ChainAnswer>;
  /** The department, if it is the caller's tenant's (NOT_FOUND otherwise). */
  department(input: { id: string }, call: OrganizationCall): Promise<{ id: string }>;
}

/** organization's procedures workflow calls; they need the caller's `organization:chain:read` and `organization:department:read`. */
export function organizationClient(organization: ServiceClient): OrganizationClient {
  return {
    chainForUser: (input, call) => organization.query("chain.forUser", input, ChainAnswer, call),
    department: (input, call) => organization.query("departments.get", input, DepartmentAnswer, call),
  };
}
