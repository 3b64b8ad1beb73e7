import { type ConfigReader, createConfigReader } from "@vextrus/config/reader";
import { authDirectory, createKnownUsers } from "@vextrus/known-users";
import {
  createMetrics,
  createService,
  createServiceClient,
  type Fetch,
  type Logger,
  type Metrics,
  type TokenVerifier,
} from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import pkg from "../package.json" with { type: "json" };
import { knownUsers } from "./db/schema.ts";
import type { Clock, WorkflowDeps } from "./deps.ts";
import { createWorkflowMetrics } from "./metrics.ts";
import { workflowRouter } from "./router.ts";
import { organizationClient } from "./upstream/organization.ts";
import type { OrganizationCache } from "./upstream/organization-cache.ts";
import { rulesClient } from "./upstream/rules.ts";

export interface Upstream {
  url: string;
  /** An in-process app's fetch (tests, embedded start); the global fetch otherwise. */
  fetch?: Fetch | undefined;
}

export interface AppOptions {
  db: Database;
  log: Logger;
  verifyToken: TokenVerifier | undefined;
  organization: Upstream;
  rules: Upstream;
  /** auth, asked about users the projection does not know yet; without it only users seen in events are known. */
  auth?: Upstream | undefined;
  upstreamTimeoutMs?: number;
  /** The service's metrics registry, when boot shares it with the outbox relay. */
  metrics?: Metrics;
  /** Extra readiness probes (e.g. Kafka) besides PostgreSQL. */
  checks?: Record<string, () => Promise<unknown>>;
  /** The server's clock (deadlines, escalation, the trail); the system clock unless a test moves one. */
  clock?: Clock | undefined;
  /** The configuration reader (boot starts its change subscription); without one, a reader with no events. */
  config?: ConfigReader | undefined;
  /**
   * organization's answers cached per replica (boot makes one fed by organization's change events);
   * without it every start asks organization.
   */
  organizationCache?: OrganizationCache | undefined;
  /** Where the configuration service is, when `config` is not given. */
  configuration?: Upstream | undefined;
}

/** The workflow service's HTTP app. No side effects: tests build it with real dependencies. */
export function createApp(options: AppOptions) {
  const metrics = options.metrics ?? createMetrics("workflow");
  const timeoutMs = options.upstreamTimeoutMs ?? 5_000;
  const organization = organizationClient(
    createServiceClient({ service: "organization", ...options.organization, timeoutMs }),
  );
  const deps: WorkflowDeps = {
    db: options.db,
    clock: options.clock ?? (() => new Date()),
    metrics: createWorkflowMetrics(metrics.registry, options.db),
    organization: options.organizationCache?.wrap(organization) ?? organization,
    rules: rulesClient(createServiceClient({ service: "rules-engine", ...options.rules, timeoutMs })),
    config:
      options.config ??
      createConfigReader({
        service: "workflow",
        url: options.configuration?.url ?? "http://127.0.0.1:3011",
        fetch: options.configuration?.fetch,
        log: options.log,
        timeoutMs,
      }),
    users: createKnownUsers({
      db: options.db,
      table: knownUsers,
      metrics: { service: "workflow", registry: metrics.registry },
      directory: options.auth
        ? authDirectory(createServiceClient({ service: "auth", ...options.auth, timeoutMs }))
        : undefined,
    }),
  };
  return createService({
    name: "workflow",
    version: pkg.version,
    router: workflowRouter,
    deps,
    log: options.log,
    metrics,
    verifyToken: options.verifyToken,
    checks: { postgres: () => options.db.ping(), ...options.checks },
  });
}
