import { AppError, type CallContext, type ServiceClient } from "@vextrus/platform";
import { z } from "zod";

/** The records a file may be attached to, by owning service (as the gateway names it). */
export const Entity = z.discriminatedUnion("service", [
  z.object({
    service: z.literal("organization"),
    type: z.enum(["company", "branch", "department"]),
    id: z.uuid(),
  }),
  z.object({ service: z.literal("workflow"), type: z.enum(["process"]), id: z.uuid() }),
  z.object({ service: z.literal("masterData"), type: z.enum(["party", "project", "flat"]), id: z.uuid() }),
  z.object({ service: z.literal("documents"), type: z.enum(["document"]), id: z.uuid() }),
]);
export type Entity = z.infer<typeof Entity>;

/** The procedure of the owning service that answers a record to those who may read it. */
const READ_PATH: Record<string, string> = {
  "organization.company": "companies.get",
  "organization.branch": "branches.get",
  "organization.department": "departments.get",
  "workflow.process": "processes.get",
  "masterData.party": "parties.get",
  "masterData.project": "projects.get",
  "masterData.flat": "flats.get",
  "documents.document": "get",
};

/** The caller: whose answer is cached, and the token, request id and trace that go along. */
export type Caller = CallContext & { tenantId: string; principal: { userId: string } };

export interface RecordAccess {
  /** Whether the caller may read the record (its owner says so, asked with the caller's own token). */
  canRead(caller: Caller, entity: Entity): Promise<boolean>;
}

export interface RecordAccessOptions {
  clients: Readonly<Record<Entity["service"], ServiceClient>>;
  /** How long an answer is reused for the same user and record. */
  cacheMs: number;
  now: () => Date;
}

/** Refusals that mean "no": the record is not there for this caller, or they may not read it. */
const REFUSED = new Set(["NOT_FOUND", "FORBIDDEN", "UNAUTHORIZED", "VALIDATION"]);
const MAX_CACHED = 10_000;
const Answer = z.object({});

/**
 * Asks the owning service's `<entities>.get` as the caller: an answer means yes; NOT_FOUND,
 * FORBIDDEN or UNAUTHORIZED mean no. Answers are kept `cacheMs` per tenant, user, token and record.
 * Anything else (a timeout, a 5xx) stays UNAVAILABLE, never a yes.
 */
export function recordAccess(options: RecordAccessOptions): RecordAccess {
  const cache = new Map<string, { allowed: boolean; until: number }>();

  async function ask(caller: Caller, entity: Entity): Promise<boolean> {
    const path = READ_PATH[`${entity.service}.${entity.type}`];
    if (!path) {
      return false;
    }
    try {
      await options.clients[entity.service].query(path, { id: entity.id }, Answer, caller);
      return true;
    } catch (error) {
      if (error instanceof AppError && REFUSED.has(error.kind)) {
        return false;
      }
      throw error;
    }
  }

  return {
    async canRead(caller, entity) {
      // Per token, not per user: the same user with a narrower token (an API key, a changed role)
      // must not reuse a wider token's yes.
      const token = Bun.hash(caller.authorization ?? "").toString(36);
      const key = `${caller.tenantId}:${caller.principal.userId}:${token}:${entity.service}.${entity.type}:${entity.id}`;
      const now = options.now().getTime();
      const hit = cache.get(key);
      if (hit && hit.until > now) {
        return hit.allowed;
      }
      const allowed = await ask(caller, entity);
      if (cache.size >= MAX_CACHED) {
        // Oldest first: a Map iterates in insertion order.
        for (const old of [...cache.keys()].slice(0, MAX_CACHED / 10)) {
          cache.delete(old);
        }
      }
      cache.set(key, { allowed, until: now + options.cacheMs });
      return allowed;
    },
  };
}
