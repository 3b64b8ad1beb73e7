import type { Subscription, Transport } from "@vextrus/events";
import { defaultReplicaId, hasPermission } from "@vextrus/platform";
import { z } from "zod";
import type { ChainAnswer, OrganizationCall, OrganizationClient } from "./organization.ts";

/**
 * What changes a chain or a department's existence: memberships (who reports to whom, who left),
 * designations (rank, approval limit), departments, and the tenant itself (a suspended tenant's
 * calls are refused by organization, so nothing of it may be answered from here).
 */
export const ORGANIZATION_CHANGE_TOPICS = [
  "vextrus.organization.membership",
  "vextrus.organization.designation",
  "vextrus.organization.department",
  "vextrus.organization.tenant",
];

/** The most chains or departments kept per tenant; past it the tenant's entries start over. */
const MAX_PER_TENANT = 10_000;

export interface OrganizationCacheOptions {
  /** How long an answer is served without asking again: the bound on staleness when an event is late or missing. */
  ttlMs: number;
  /** Where organization's change events arrive; without one, answers live for `ttlMs` only. */
  transport?: Transport | undefined;
  /** This replica's id (its consumer group is `vextrus.workflow.org-cache.<replica>`); default the host name. */
  replicaId?: string | undefined;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
}

interface Entries {
  chains: Map<string, { answer: ChainAnswer; until: number }>;
  departments: Map<string, number>;
  /** Bumped by every change event of the tenant: an answer asked for before it is not kept. */
  generation: number;
}

const ChangeEvent = z.looseObject({
  tenantid: z.string(),
  data: z.looseObject({ id: z.string().optional() }),
});

/**
 * organization's answers kept per replica: the initiator's chain and "this department is the
 * tenant's", so a start costs no call to organization when nothing changed. Only successful answers
 * are kept (a NOT_FOUND is asked again), and only a caller whose token carries the permission
 * organization would check is answered from here (anyone else is sent on, to be refused there). A
 * change event of the tenant drops all its entries; an answer asked for before that event is not
 * stored when it arrives after it.
 */
export function createOrganizationCache(options: OrganizationCacheOptions) {
  const now = options.now ?? Date.now;
  const tenants = new Map<string, Entries>();
  let subscription: Subscription | undefined;

  const entriesOf = (tenantId: string): Entries => {
    let entries = tenants.get(tenantId);
    if (!entries) {
      entries = { chains: new Map(), departments: new Map(), generation: 0 };
      tenants.set(tenantId, entries);
    }
    return entries;
  };

  function invalidate(tenantId: string) {
    const entries = tenants.get(tenantId);
    if (entries) {
      entries.chains.clear();
      entries.departments.clear();
      entries.generation++;
    }
  }

  const permitted = (call: OrganizationCall, permission: string) =>
    hasPermission(call.principal.permissions, permission);

  /** `inner` (the calls to organization) answered from the cache where it can. */
  const wrap = (inner: OrganizationClient): OrganizationClient => ({
    async chainForUser(input, call) {
      const entries = entriesOf(call.tenantId);
      const hit = entries.chains.get(input.userId);
      if (hit && now() < hit.until && permitted(call, "organization:chain:read")) {
        return hit.answer;
      }
      const generation = entries.generation;
      const answer = await inner.chainForUser(input, call);
      if (entries.generation === generation) {
        if (entries.chains.size >= MAX_PER_TENANT) {
          entries.chains.clear();
        }
        entries.chains.set(input.userId, { answer, until: now() + options.ttlMs });
      }
      return answer;
    },
    async department(input, call) {
      const entries = entriesOf(call.tenantId);
      const until = entries.departments.get(input.id);
      if (until !== undefined && now() < until && permitted(call, "organization:department:read")) {
        return { id: input.id };
      }
      const generation = entries.generation;
      const answer = await inner.department(input, call);
      if (entries.generation === generation) {
        if (entries.departments.size >= MAX_PER_TENANT) {
          entries.departments.clear();
        }
        entries.departments.set(input.id, now() + options.ttlMs);
      }
      return answer;
    },
  });

  return {
    wrap,
    invalidate,
    /** Subscribes this replica to organization's change events (nothing to do without a transport). */
    async start() {
      const transport = options.transport;
      if (!transport) {
        return;
      }
      subscription = await transport.subscribe({
        // A group per replica, so every replica hears every change; it starts at the latest offset
        // (the cache starts empty: history has nothing to invalidate). The in-process bus has one replica.
        group:
          transport.kind === "kafka"
            ? `vextrus.workflow.org-cache.${options.replicaId ?? defaultReplicaId()}`
            : "vextrus.workflow.org-cache",
        startAt: "latest",
        topics: ORGANIZATION_CHANGE_TOPICS,
        onBatch: async (messages) => {
          for (const message of messages) {
            const parsed = ChangeEvent.safeParse(parseJson(message.value));
            if (!parsed.success) {
              continue;
            }
            invalidate(parsed.data.tenantid);
            // A tenant event may be written under the operator's tenant: the tenant is its subject.
            if (message.topic === "vextrus.organization.tenant" && parsed.data.data.id) {
              invalidate(parsed.data.data.id);
            }
          }
        },
      });
    },
    async stop() {
      await subscription?.stop();
    },
  };
}

export type OrganizationCache = ReturnType<typeof createOrganizationCache>;

function parseJson(text: string | null): unknown {
  try {
    return JSON.parse(text ?? "null");
  } catch {
    return null;
  }
}
