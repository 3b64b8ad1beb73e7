import {
  buildEvent,
  cloudEventHeaders,
  describeError,
  PLATFORM_TENANT_ID,
  type Publisher,
} from "@vextrus/events";
import type { Logger, Stoppable } from "@vextrus/platform";

/** One request the gateway refused for its rate limit. */
export interface Refusal {
  scope: "tenant" | "ip";
  /** The client address the gateway resolved. */
  address: string;
  /** The tenant of the token the gateway verified (the tenant limit's bucket); undefined without one. */
  tenant: string | undefined;
  /** The route label of the request: `/trpc/<service>` or `/trpc/(batch)`. */
  route: string;
  /** That limit's tokens per second. */
  limit: number;
}

interface Tally {
  refusal: Refusal;
  count: number;
  first: Date;
}

export interface RefusalReporterOptions {
  publisher: Publisher | undefined;
  log: Logger;
  /** Refusals of one caller, limit and route within a window become one event (default 60 s). */
  windowMs?: number;
  /** Distinct callers tallied per window; more are counted in the log only (default 10,000). */
  maxTallies?: number;
}

/**
 * The security trail of rate limiting: refusals become `vextrus.gateway.access.rate_limited` events
 * (which the audit log records), one per caller, limit and route per window, carrying the count. A
 * flood of refused requests is a few events, never a flood of them. Without a publisher (tests,
 * a gateway run without an event transport) nothing is published; /metrics counts refusals either
 * way. The events belong to the platform tenant (the tenant named, if any, is the verified token's).
 */
export function refusalReporter(options: RefusalReporterOptions) {
  const windowMs = options.windowMs ?? 60_000;
  const maxTallies = options.maxTallies ?? 10_000;
  let tallies = new Map<string, Tally>();
  let untallied = 0;

  async function flush(): Promise<void> {
    const done = tallies;
    tallies = new Map();
    if (untallied > 0) {
      options.log.warn("rate-limit refusals not tallied (too many callers in one window)", { untallied });
      untallied = 0;
    }
    if (!options.publisher || done.size === 0) {
      return;
    }
    const events = [...done.values()];
    try {
      await options.publisher.send(events.map(toMessage));
    } catch (error) {
      options.log.warn("rate-limit refusal events not published", {
        events: events.length,
        error: describeError(error),
      });
    }
  }

  function toMessage({ refusal, count, first }: Tally) {
    const { topic, key, event } = buildEvent({
      type: "vextrus.gateway.access.rate_limited",
      subject: refusal.scope === "ip" ? refusal.address : (refusal.tenant ?? refusal.address),
      tenantId: PLATFORM_TENANT_ID,
      data: {
        route: refusal.route,
        limit: refusal.limit,
        ip: refusal.address,
        scope: refusal.scope,
        tenant: refusal.tenant ?? null,
        count,
        since: first.toISOString(),
      },
    });
    return { topic, key, value: JSON.stringify(event), headers: cloudEventHeaders() };
  }

  const timer = setInterval(() => void flush(), windowMs);
  timer.unref();

  return {
    record(refusal: Refusal): void {
      const id = `${refusal.scope}\u0000${refusal.address}\u0000${refusal.tenant ?? ""}\u0000${refusal.route}`;
      const tally = tallies.get(id);
      if (tally) {
        tally.count++;
      } else if (tallies.size < maxTallies) {
        tallies.set(id, { refusal, count: 1, first: new Date() });
      } else {
        untallied++;
      }
    },
    flush,
    stoppable: {
      name: "rate-limit refusal events",
      async stop() {
        clearInterval(timer);
        await flush();
      },
    } satisfies Stoppable,
  };
}

export type RefusalReporter = ReturnType<typeof refusalReporter>;
