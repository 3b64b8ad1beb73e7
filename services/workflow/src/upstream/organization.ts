import { z } from "zod";
import { callUpstream, type UpstreamOptions } from "./call.ts";

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

export interface OrganizationClient {
  chainForUser(
    input: { userId: string },
    call: { authorization: string | undefined; requestId: string },
  ): Promise<ChainAnswer>;
  /** The department, if it is the caller's tenant's (NOT_FOUND otherwise). */
  department(
    input: { id: string },
    call: { authorization: string | undefined; requestId: string },
  ): Promise<{ id: string }>;
}

/** organization over HTTP tRPC; needs the caller's `organization:chain:read` and `organization:department:read`. */
export function organizationClient(options: Omit<UpstreamOptions, "name">): OrganizationClient {
  const upstream = { ...options, name: "organization" };
  return {
    chainForUser: (input, call) =>
      callUpstream(upstream, { path: "chain.forUser", type: "query", input, output: ChainAnswer, ...call }),
    department: (input, call) =>
      callUpstream(upstream, {
        path: "departments.get",
        type: "query",
        input,
        output: DepartmentAnswer,
        ...call,
      }),
  };
}
