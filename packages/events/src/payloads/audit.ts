import { z } from "zod";
import { v1 } from "./common.ts";

export const auditChainEvents = {
  /** A verification found a broken hash chain: an alert for the tenant's administrators. */
  "vextrus.audit.chain.broken": v1(
    z.looseObject({ firstBrokenSeq: z.number().int().min(1), checked: z.number().int().min(0) }),
  ),
} as const;
