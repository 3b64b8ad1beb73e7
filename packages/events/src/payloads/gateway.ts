import { z } from "zod";
import { v1 } from "./common.ts";

export const gatewayAccessEvents = {
  /** A caller was refused for exceeding its rate limit (security audit trail). */
  "vextrus.gateway.access.rate_limited": v1(
    z.looseObject({ route: z.string().min(1), limit: z.number().int().min(1), ip: z.string().optional() }),
  ),
} as const;
