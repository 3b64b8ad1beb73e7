import {
  API_KEY_INTROSPECTION_PATH,
  createMetrics,
  createService,
  type Logger,
  type Metrics,
} from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import pkg from "../package.json" with { type: "json" };
import { clientInfoMiddleware } from "./client.ts";
import type { AuthDeps, AuthSettings } from "./deps.ts";
import { introspectApiKey } from "./domain/api-keys.ts";
import { type Clock, systemClock } from "./domain/clock.ts";
import { type Courier, notificationCourier, undeliveredCourier } from "./domain/courier.ts";
import { hourlyAddressLimit } from "./domain/limits.ts";
import { dummyPasswordHash } from "./domain/passwords.ts";
import { authVerifier } from "./domain/principal.ts";
import { SigningKeys } from "./domain/signing-keys.ts";
import { signServiceToken } from "./domain/tokens.ts";
import { createAuthMetrics } from "./metrics.ts";
import { httpOrganization, missingOrganization } from "./organization.ts";
import { authRouter } from "./router.ts";
import { SERVICE_TOKENS_PATH, serviceTokenRoute } from "./service-tokens.ts";

export interface AppOptions {
  db: Database;
  log: Logger;
  settings: AuthSettings;
  /** The organization service's base URL; without it registration answers UNAVAILABLE. */
  organizationUrl: string | undefined;
  /** Deadline of each call to organization (UPSTREAM_TIMEOUT_MS). */
  upstreamTimeoutMs?: number;
  /** Who hands secret links to their owners; default: the notification service at `notificationUrl`. */
  courier?: Courier;
  /** The notification service's base URL (secret links go out through it); unset with no courier: logged, not sent. */
  notificationUrl?: string | undefined;
  /** Seals private signing keys at rest. */
  signingKeySecret?: string | undefined;
  /** Lets the scheduler ask for tenant-scoped service tokens (`POST /service-tokens`); unset: no route. */
  serviceTokenSecret?: string | undefined;
  clock?: Clock;
  /** Extra readiness probes (e.g. Kafka) besides PostgreSQL. */
  checks?: Record<string, () => Promise<unknown>>;
  /** The service's metrics registry, when boot shares it with the outbox relay. */
  metrics?: Metrics;
}

/**
 * The auth service's HTTP app (tRPC, the JWKS document, API-key introspection) and its dependencies.
 * No side effects: tests build it with real dependencies.
 */
export function createApp(options: AppOptions) {
  const metrics = options.metrics ?? createMetrics("auth");
  const clock = options.clock ?? systemClock;
  const keys = new SigningKeys({
    db: options.db,
    clock,
    secret: options.signingKeySecret,
    accessTtlSeconds: options.settings.accessTokenTtlSeconds,
    reloadMs: options.settings.signingKeysReloadMs,
  });
  const tokenDeps = { keys, clock, settings: options.settings };
  const deps: AuthDeps = {
    db: options.db,
    clock,
    keys,
    settings: options.settings,
    organization: options.organizationUrl
      ? httpOrganization({
          url: options.organizationUrl,
          timeoutMs: options.upstreamTimeoutMs ?? 5_000,
          token: (tenantId) => signServiceToken(tokenDeps, tenantId, ["platform:tenant:create"]),
        })
      : missingOrganization,
    courier:
      options.courier ??
      (options.notificationUrl
        ? notificationCourier({
            url: options.notificationUrl,
            timeoutMs: options.upstreamTimeoutMs ?? 5_000,
            token: (tenantId) => signServiceToken(tokenDeps, tenantId, ["platform:notification:secret"]),
          })
        : undeliveredCourier(options.log)),
    metrics: createAuthMetrics(metrics.registry),
    limits: {
      // In PostgreSQL: every auth replica draws on the same budget per address.
      registration: hourlyAddressLimit(
        options.db,
        "registration",
        options.settings.registrationsPerIpPerHour,
      ),
      resetRequest: hourlyAddressLimit(options.db, "reset", options.settings.resetRequestsPerIpPerHour),
    },
    dummyHash: dummyPasswordHash(),
  };
  const app = createService({
    name: "auth",
    version: pkg.version,
    router: authRouter,
    deps,
    log: options.log,
    metrics,
    verifyToken: authVerifier(deps),
    checks: { postgres: () => options.db.ping(), ...options.checks },
    routes(http) {
      http.use("/trpc/*", clientInfoMiddleware());
      http.get("/.well-known/jwks.json", async (c) =>
        c.json(await keys.jwks(), 200, { "cache-control": "public, max-age=60" }),
      );
      http.post(SERVICE_TOKENS_PATH, serviceTokenRoute(tokenDeps, options.serviceTokenSecret));
      http.post(API_KEY_INTROSPECTION_PATH, async (c) => {
        const header = c.req.header("authorization") ?? "";
        const key = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
        const answer = await introspectApiKey(deps, key);
        return c.json(answer, answer.active ? 200 : 401, { "cache-control": "no-store" });
      });
    },
  });
  return { app, deps };
}
