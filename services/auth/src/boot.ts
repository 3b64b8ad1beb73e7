import { fileURLToPath } from "node:url";
import { type Booted, openRuntime, type SharedResources } from "@vextrus/events";
import type { Stoppable } from "@vextrus/platform";
import { createApp } from "./app.ts";
import { outbox } from "./db/schema.ts";
import type { AuthSettings } from "./deps.ts";
import { REFUSAL_WINDOW_SECONDS, reportLoginRefusals } from "./domain/refusals.ts";
import type { AuthEnv } from "./env.ts";
import { startAuthEvents } from "./events.ts";

export type { Booted, SharedResources };

export const MIGRATIONS = fileURLToPath(new URL("../../../drizzle/auth", import.meta.url));

export const settingsFrom = (env: AuthEnv): AuthSettings => ({
  issuer: env.JWT_ISSUER,
  accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
  sessionIdleMinutes: env.SESSION_IDLE_MINUTES,
  sessionMaxHours: env.SESSION_MAX_HOURS,
  refreshReuseGraceSeconds: env.REFRESH_REUSE_GRACE_SECONDS,
  loginIpMaxFailures: env.LOGIN_IP_MAX_FAILURES,
  registrationsPerIpPerHour: env.REGISTRATIONS_PER_IP_PER_HOUR,
  resetRequestsPerIpPerHour: env.RESET_REQUESTS_PER_IP_PER_HOUR,
  signingKeysReloadMs: env.SIGNING_KEYS_RELOAD_MS,
  loginAttemptRetentionDays: env.LOGIN_ATTEMPT_RETENTION_DAYS,
});

/**
 * Migrates, connects, makes sure a signing key exists, serves HTTP, relays its outbox and consumes
 * organization's tenant-status events (on the shared bus, or on Kafka when KAFKA_BROKERS is set).
 */
export async function bootAuth(env: AuthEnv, shared: SharedResources = {}): Promise<Booted> {
  const rt = await openRuntime({ service: "auth", env, shared, migrations: MIGRATIONS });
  const { db, log, metrics } = rt;
  if (!env.SIGNING_KEY_SECRET) {
    log.warn(
      "SIGNING_KEY_SECRET is not set: the private keys that sign every access token are stored unencrypted " +
        "in the database, so anyone who can read it (or a backup, or .data/) can forge sign-ins. Fine for a " +
        "trial; otherwise set SIGNING_KEY_SECRET to 32+ random characters, the same on every start " +
        '(README, "The signing-key secret")',
    );
  }
  if (!env.ORGANIZATION_URL) {
    log.warn("ORGANIZATION_URL is not set: registerTenant will answer UNAVAILABLE");
  }
  if (!env.NOTIFICATION_URL) {
    log.warn("NOTIFICATION_URL is not set: invitation, password-reset and verification links are not sent");
  }
  const { app, deps } = createApp({
    db,
    log,
    settings: settingsFrom(env),
    organizationUrl: env.ORGANIZATION_URL,
    upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
    notificationUrl: env.NOTIFICATION_URL,
    signingKeySecret: env.SIGNING_KEY_SECRET,
    serviceTokenSecret: env.SERVICE_TOKEN_SECRET,
    metrics,
    checks: rt.checks,
  });
  const key = await deps.keys.signingKey();
  log.info("signing key ready", { kid: key.kid });
  // Each closed minute of refused sign-ins becomes one login.ip_limited event per address.
  const report = () =>
    reportLoginRefusals(db, deps.clock.now()).catch((error: unknown) =>
      log.warn("refused sign-ins not reported", { message: String(error) }),
    );
  const reporter = setInterval(report, REFUSAL_WINDOW_SECONDS * 1000);
  reporter.unref();
  const timers: Stoppable = {
    name: "sign-in housekeeping",
    async stop() {
      clearInterval(reporter);
      await report();
    },
  };
  return rt.serve(app, {
    outbox,
    consumers: (transport) => startAuthEvents({ db, transport, log, registry: metrics.registry }),
    parts: [timers],
  });
}
