import type { CallContext, ServiceClient } from "@vextrus/platform";
import { z } from "zod";
import type { UserFact } from "./record.ts";

/** Asks auth about users the projection does not know yet. */
export interface UserDirectory {
  /** The facts auth has about `ids` in the caller's tenant; ids it does not know are left out. */
  lookup(ids: readonly string[], caller: CallContext): Promise<UserFact[]>;
}

/** The contract of `auth.directory.lookup` (extra fields are ignored). */
export const LookupAnswer = z.object({
  users: z.array(
    z.object({
      id: z.uuid(),
      status: z.enum(["invited", "active", "deactivated"]),
      version: z.number().int().min(1),
    }),
  ),
});

/** auth takes at most this many ids per lookup. */
export const LOOKUP_MAX_IDS = 100;

/**
 * auth's `directory.lookup` through the platform's service client (`createServiceClient({ service:
 * "auth", … })`), with the caller's own token: auth answers only about the caller's tenant. A refusal
 * keeps its kind; auth unreachable or late is UNAVAILABLE, never "unknown user".
 */
export function authDirectory(auth: ServiceClient): UserDirectory {
  return {
    async lookup(ids, caller) {
      const facts: UserFact[] = [];
      for (let start = 0; start < ids.length; start += LOOKUP_MAX_IDS) {
        const answer = await auth.query(
          "directory.lookup",
          { ids: ids.slice(start, start + LOOKUP_MAX_IDS) },
          LookupAnswer,
          caller,
        );
        for (const user of answer.users) {
          facts.push({
            userId: user.id,
            status: user.status === "deactivated" ? "deactivated" : "active",
            version: user.version,
          });
        }
      }
      return facts;
    },
  };
}

/** auth's base URL: AUTH_URL, else the origin of the JWKS document auth serves; undefined without either. */
export function authUrlFrom(env: { AUTH_URL?: string | undefined; JWKS_URL?: string | undefined }) {
  return env.AUTH_URL ?? (env.JWKS_URL ? new URL(env.JWKS_URL).origin : undefined);
}
