import { z } from "zod";
import { v1 } from "./common.ts";

export const gatewayAccessEvents = {
  /**
   * A caller was refused for exceeding its rate limit (security audit trail): `limit` is that limit's
   * requests per second; the gateway reports a caller's refusals per window, with their `count`.
   */
  "vextrus.gateway.access.rate_limited": v1(
    z.looseObject({
      route: z.string().min(1),
      limit: z.number().positive(),
      ip: z.string().optional(),
      scope: z.enum(["tenant", "ip"]).optional(),
      count: z.number().int().min(1).optional(),
    }),
  ),
} as const;
