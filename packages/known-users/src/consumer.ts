import {
  type Consumer,
  describeError,
  type InboxTable,
  type MetricRegistry,
  type ServiceRuntime,
  startConsumer,
  type Transport,
} from "@vextrus/events";
import type { Logger, Stoppable } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import { authUrlFrom } from "./directory.ts";
import { knownUsersHandler } from "./record.ts";
import type { KnownUsersTable } from "./table.ts";

/** The topic the projection follows. */
export const AUTH_USER_TOPIC = "vextrus.auth.user";

/** The longest wait between two attempts to join the consumer group while the broker is away. */
const MAX_RETRY_MS = 30_000;

/**
 * The service's consumer group (`vextrus.<service>`) on auth's user topic, applying each event once
 * (inbox-deduped, in the event's tenant transaction) to the service's `known_users`.
 *
 * It joins in the background and keeps trying while the broker is unreachable: the service serves
 * meanwhile (lookups fall back to auth, and readiness reports Kafka), instead of failing to boot.
 */
export async function startKnownUsersConsumer(options: {
  service: string;
  db: Database;
  inbox: InboxTable;
  table: KnownUsersTable;
  transport: Transport;
  log: Logger;
  registry?: MetricRegistry | undefined;
}): Promise<Stoppable[]> {
  const log = options.log.child({ component: "known-users" });
  let consumer: Consumer | undefined;
  let stopped = false;
  const start = () =>
    startConsumer({
      name: options.service,
      topics: [AUTH_USER_TOPIC],
      db: options.db,
      inbox: options.inbox,
      transport: options.transport,
      handle: knownUsersHandler(options.table),
      log: options.log,
      ...(options.registry ? { registry: options.registry } : {}),
    });
  const joined = (async () => {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        const started = await start();
        if (stopped) {
          await started.stop();
        } else {
          consumer = started;
        }
        return;
      } catch (error) {
        const waitMs = Math.min(MAX_RETRY_MS, 500 * 2 ** attempt);
        log.warn("cannot join the auth user topic yet; retrying", {
          attempt,
          waitMs,
          error: describeError(error),
        });
        for (const until = Date.now() + waitMs; !stopped && Date.now() < until; ) {
          await Bun.sleep(Math.min(250, until - Date.now()));
        }
      }
    }
  })();
  return [
    {
      name: "known-users consumer",
      async stop() {
        stopped = true;
        // A join in flight finishes (and stops itself) on its own; one that has joined stops here.
        await Promise.race([joined, Bun.sleep(1_000)]);
        const running = consumer;
        consumer = undefined;
        await running?.stop();
      },
    },
  ];
}

/**
 * What a service's `boot` needs for its projection: auth's URL for lookups (AUTH_URL, else the origin
 * of JWKS_URL; warned about when neither is set) and the consumer to pass to `rt.serve({ consumers })`.
 */
export function knownUsersWiring(
  rt: Pick<ServiceRuntime, "db" | "log" | "metrics">,
  env: { AUTH_URL?: string | undefined; JWKS_URL?: string | undefined },
  options: { service: string; inbox: InboxTable; table: KnownUsersTable },
) {
  const authUrl = authUrlFrom(env);
  if (!authUrl) {
    rt.log.warn("no AUTH_URL or JWKS_URL: users are known only from auth's events");
  }
  return {
    authUrl,
    consumers: (transport: Transport) =>
      startKnownUsersConsumer({
        ...options,
        db: rt.db,
        transport,
        log: rt.log,
        registry: rt.metrics.registry,
      }),
  };
}
