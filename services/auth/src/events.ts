import { type BatchHandler, perEvent, startConsumer, type Transport } from "@vextrus/events";
import type { Logger, Stoppable } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { Registry } from "prom-client";
import { inbox } from "./db/schema.ts";
import { applyTenantStatus } from "./domain/tenants.ts";

/**
 * What auth publishes: vextrus.auth.{user,session,role,api_key,signing_key} (written to auth.outbox by
 * the domain verbs, published by the relay). What it consumes: organization's tenant status, so a
 * suspended tenant's users are signed out of auth.
 */
export const tenantStatusHandler: BatchHandler = perEvent({
  "vextrus.organization.tenant.suspended": ({ tx, event }) =>
    applyTenantStatus(tx, event.tenantid, "suspended"),
  "vextrus.organization.tenant.activated": ({ tx, event }) => applyTenantStatus(tx, event.tenantid, "active"),
});

export async function startAuthEvents(options: {
  db: Database;
  transport: Transport;
  log: Logger;
  registry?: Registry;
}): Promise<Stoppable[]> {
  const consumer = await startConsumer({
    name: "auth",
    topics: ["vextrus.organization.tenant"],
    db: options.db,
    inbox,
    transport: options.transport,
    handle: tenantStatusHandler,
    log: options.log,
    ...(options.registry ? { registry: options.registry } : {}),
  });
  return [{ name: "tenant consumer", stop: () => consumer.stop() }];
}
