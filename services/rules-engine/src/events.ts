import { type BatchHandler, decodeEvent, perEvent, startConsumer, type Transport } from "@vextrus/events";
import type { Logger, Stoppable } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { Registry } from "prom-client";
import { inbox } from "./db/schema.ts";
import { installPacksIn } from "./domain/packs.ts";
import type { RuleSetCache } from "./engine/cache.ts";

/** A new tenant gets the built-in packs: installed in the inbox's transaction, so exactly once. */
export const tenantCreatedHandler: BatchHandler = perEvent({
  "vextrus.organization.tenant.created": async ({ tx, event }) => {
    await installPacksIn(tx, { tenantId: event.tenantid, actorId: event.actorid ?? null });
  },
});

/**
 * Called for every vextrus.rules.rule.* event a replica receives: forgets the compiled rule set the
 * event names. Idempotent, so it needs no inbox.
 */
export function onRuleChanged(cache: RuleSetCache, event: { tenantid: string; data: unknown }): void {
  const after = (event.data as { after?: { ruleSet?: unknown } } | null)?.after;
  if (typeof after?.ruleSet === "string") {
    cache.invalidate(event.tenantid, after.ruleSet);
  }
}

/** The consumer group of one replica's cache invalidator. */
export const cacheGroup = (replicaId: string) => `vextrus.rules-engine.cache.${replicaId}`;

/**
 * The service's consumers: the tenant-created consumer (one group for the service, inbox-deduped),
 * and the cache invalidator, in a group of its own per replica because every replica caches. That
 * group is named by the replica's stable id (REPLICA_ID, the host name by default), so a restart
 * rejoins it instead of leaving a group behind, and a new group starts at the latest offset: a
 * replica's cache starts empty, so the topic's history has nothing to tell it.
 */
export async function startRulesEvents(options: {
  db: Database;
  transport: Transport;
  cache: RuleSetCache;
  log: Logger;
  registry?: Registry;
  /** Stable per replica and unique among replicas: names the replica's cache-invalidation group. */
  replicaId: string;
}): Promise<Stoppable[]> {
  const tenants = await startConsumer({
    name: "rules-engine",
    topics: ["vextrus.organization.tenant"],
    db: options.db,
    inbox,
    transport: options.transport,
    handle: tenantCreatedHandler,
    log: options.log,
    ...(options.registry ? { registry: options.registry } : {}),
  });
  const invalidation = await options.transport.subscribe({
    group: cacheGroup(options.replicaId),
    topics: ["vextrus.rules.rule"],
    startAt: "latest",
    async onBatch(messages) {
      for (const message of messages) {
        const decoded = decodeEvent(message.value);
        if ("event" in decoded) {
          onRuleChanged(options.cache, decoded.event);
        }
      }
    },
  });
  return [
    { name: "rule-change consumer", stop: () => invalidation.stop() },
    { name: "tenant consumer", stop: () => tenants.stop() },
  ];
}
