import type { ServiceContext, TenantContext } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { Clock } from "./domain/clock.ts";
import type { Courier } from "./domain/courier.ts";
import type { AddressLimit } from "./domain/limits.ts";
import type { SigningKeys } from "./domain/signing-keys.ts";
import type { AuthMetrics } from "./metrics.ts";
import type { OrganizationPort } from "./organization.ts";

/** The tunable numbers of authentication (from the environment). */
export interface AuthSettings {
  issuer: string;
  accessTokenTtlSeconds: number;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  /** A used refresh token presented again by the same client this soon gets the same new pair. */
  refreshReuseGraceSeconds: number;
  loginIpMaxFailures: number;
  /** Sign-ups one client address may start per hour (this replica). */
  registrationsPerIpPerHour: number;
  /** Password-reset requests one client address may make per hour (this replica). */
  resetRequestsPerIpPerHour: number;
  /** How often cached signing keys are reloaded (default 30 s). */
  signingKeysReloadMs?: number;
  /** Days sign-in attempts are kept before `maintenance.pruneSignInAttempts` removes them (default 90). */
  loginAttemptRetentionDays?: number;
}

export interface AuthDeps {
  db: Database;
  clock: Clock;
  keys: SigningKeys;
  settings: AuthSettings;
  organization: OrganizationPort;
  courier: Courier;
  metrics: AuthMetrics;
  /** Per-address budgets of the public verbs that write or send something. */
  limits: { registration: AddressLimit; resetRequest: AddressLimit };
  /** An argon2id hash of nothing anyone knows: verified against for unknown accounts. */
  dummyHash: Promise<string>;
}

/** What a verb behind `tenantProcedure` receives. */
export type AuthContext = TenantContext<AuthDeps>;
/** What a public verb receives. */
export type PublicContext = ServiceContext<AuthDeps>;
