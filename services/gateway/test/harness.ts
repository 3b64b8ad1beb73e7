import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootAudit } from "@vextrus/audit/boot";
import { AuditEnv } from "@vextrus/audit/env";
import { bootAuth } from "@vextrus/auth/boot";
import { AuthEnv } from "@vextrus/auth/env";
import { createVextrusClient, type VextrusClientOptions } from "@vextrus/client";
import { bootConfiguration } from "@vextrus/configuration/boot";
import { ConfigurationEnv } from "@vextrus/configuration/env";
import { bootDocumentGenerator } from "@vextrus/document-generator/boot";
import { DocumentGeneratorEnv } from "@vextrus/document-generator/env";
import { createInProcessBus, type InProcessBus, type Transport } from "@vextrus/events";
import { bootFileStorage } from "@vextrus/file-storage/boot";
import { FileStorageEnv } from "@vextrus/file-storage/env";
import { bootImportExport } from "@vextrus/import-export/boot";
import { ImportExportEnv } from "@vextrus/import-export/env";
import { bootMasterData } from "@vextrus/master-data/boot";
import { MasterDataEnv } from "@vextrus/master-data/env";
import { bootNotification } from "@vextrus/notification/boot";
import { NotificationEnv } from "@vextrus/notification/env";
import { bootOrganization } from "@vextrus/organization/boot";
import { OrganizationEnv } from "@vextrus/organization/env";
import { createLogger, listen, type Stoppable, type TrustedProxies } from "@vextrus/platform";
import {
  createTestDatabase,
  createTestSigner,
  portForLater,
  s3Settings,
  type TestDatabase,
  type TestSigner,
} from "@vextrus/platform/testing";
import { bootRulesEngine } from "@vextrus/rules-engine/boot";
import { RulesEngineEnv } from "@vextrus/rules-engine/env";
import { bootScheduler } from "@vextrus/scheduler/boot";
import { SchedulerEnv } from "@vextrus/scheduler/env";
import { bootWorkflow } from "@vextrus/workflow/boot";
import { WorkflowEnv } from "@vextrus/workflow/env";
import postgres from "postgres";
import { createGateway, type GatewayOptions } from "../src/app.ts";

/** A real service for a test file: its own database on the real PostgreSQL, served on a real port. */
export interface RunningService {
  name: string;
  url: string;
  /** Superuser URL of the service's test database (for row counts and snapshots). */
  databaseUrl: string;
  /** Every JSON log line the service wrote. */
  logLines: string[];
  stop(): Promise<void>;
}

function captureLog(lines: string[]) {
  return createLogger({ level: "debug", write: (line) => lines.push(line) });
}

/**
 * Stops a booted service, then drops its database (which ends any session left). Each part gets at
 * most a second: the platform's postgres pool waits out its 5 s end timeout after a read-only
 * tenant transaction (reported), which would only slow the suite down.
 */
async function stopAll(parts: readonly Stoppable[], db: TestDatabase) {
  await stopParts(parts);
  await db.drop();
}

/** Stops a booted service's parts in order, giving each at most `ms` (see stopAll). */
export async function stopParts(parts: readonly Stoppable[], ms = 1_000) {
  for (const part of parts) {
    await Promise.race([part.stop(), Bun.sleep(ms)]);
  }
}

/** The organization service, trusting tokens signed by `signer` (or auth's JWKS when given). */
export async function startOrganization(
  label: string,
  keys: { signer?: TestSigner; jwksUrl?: string },
  bus?: Transport,
): Promise<RunningService> {
  const db = await createTestDatabase(`gw_${label}`);
  const logLines: string[] = [];
  const env: OrganizationEnv = {
    ...OrganizationEnv.parse({
      DATABASE_URL: db.url,
      JWT_PUBLIC_KEY: keys.signer?.publicKey,
      JWKS_URL: keys.jwksUrl,
      LOG_LEVEL: "debug",
    }),
    PORT: 0,
  };
  const booted = await bootOrganization(env, { log: captureLog(logLines), bus });
  return {
    name: "organization",
    url: booted.url,
    databaseUrl: db.url,
    logLines,
    stop: () => stopAll(booted.parts, db),
  };
}

/** A port to bind later (auth must be reachable before it starts: organization needs its URL). */
const freePort = () => portForLater();

/** What auth and the scheduler share in these suites: the scheduler's job tokens come from auth with it. */
export const SERVICE_TOKEN_SECRET = "gateway-suites-scheduler-and-auth-0123456789";

/** The auth service on `port`, creating tenants in organization at `organizationUrl`. */
export async function startAuth(
  label: string,
  port: number,
  organizationUrl: string,
  bus?: Transport,
  notificationUrl?: string,
): Promise<RunningService> {
  const db = await createTestDatabase(`gw_${label}_auth`);
  const logLines: string[] = [];
  const env: AuthEnv = {
    ...AuthEnv.parse({
      DATABASE_URL: db.url,
      ORGANIZATION_URL: organizationUrl,
      LOG_LEVEL: "debug",
      // Every suite signs its tenants up from the gateway's one address (127.0.0.1).
      REGISTRATIONS_PER_IP_PER_HOUR: "100000",
      RESET_REQUESTS_PER_IP_PER_HOUR: "100000",
      // As `npm start` sets it: the gateway on loopback is the proxy whose X-Forwarded-For counts.
      TRUSTED_PROXIES: "127.0.0.1",
      SERVICE_TOKEN_SECRET,
      ...(notificationUrl ? { NOTIFICATION_URL: notificationUrl } : {}),
    }),
    PORT: port,
  };
  const booted = await bootAuth(env, { log: captureLog(logLines), bus });
  return {
    name: "auth",
    url: booted.url,
    databaseUrl: db.url,
    logLines,
    stop: () => stopAll(booted.parts, db),
  };
}

/** The file-storage service's settings for a suite: the test run's S3 server, a bucket of its own. */
function filesEnv(label: string): Record<string, string> {
  const s3 = s3Settings();
  return {
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_BUCKET: `gw-${label.toLowerCase().replace(/[^a-z0-9]/g, "")}-${Bun.randomUUIDv7().slice(-8)}`,
  };
}

/** Rules-engine, workflow, audit, master-data, notification, file-storage or configuration: its own database, tokens checked against auth's JWKS. */
async function startDownstream(
  name:
    | "rules"
    | "workflow"
    | "audit"
    | "masterData"
    | "notification"
    | "files"
    | "config"
    | "scheduler"
    | "importExport"
    | "documents",
  label: string,
  jwksUrl: string,
  bus: Transport,
  extraEnv: Record<string, string> = {},
  workflowClock?: () => Date,
): Promise<RunningService> {
  const db = await createTestDatabase(`gw_${label}_${name}`);
  const logLines: string[] = [];
  const shared = { log: captureLog(logLines), bus };
  const common = { DATABASE_URL: db.url, JWKS_URL: jwksUrl, LOG_LEVEL: "debug", ...extraEnv };
  const PORT = Number(extraEnv.PORT ?? 0);
  const booted =
    name === "documents"
      ? await bootDocumentGenerator({ ...DocumentGeneratorEnv.parse(common), PORT }, shared)
      : name === "rules"
        ? await bootRulesEngine({ ...RulesEngineEnv.parse(common), PORT }, shared)
        : name === "workflow"
          ? await bootWorkflow({ ...WorkflowEnv.parse(common), PORT }, shared, { clock: workflowClock })
          : name === "masterData"
            ? await bootMasterData({ ...MasterDataEnv.parse(common), PORT }, shared)
            : name === "audit"
              ? await bootAudit({ ...AuditEnv.parse(common), PORT }, shared)
              : name === "config"
                ? await bootConfiguration({ ...ConfigurationEnv.parse(common), PORT }, shared)
                : name === "scheduler"
                  ? await bootScheduler({ ...SchedulerEnv.parse(common), PORT }, shared)
                  : name === "notification"
                    ? await bootNotification({ ...NotificationEnv.parse(common), PORT }, shared)
                    : name === "importExport"
                      ? await bootImportExport({ ...ImportExportEnv.parse(common), PORT }, shared)
                      : await bootFileStorage({ ...FileStorageEnv.parse(common), PORT }, shared);
  return { name, url: booted.url, databaseUrl: db.url, logLines, stop: () => stopAll(booted.parts, db) };
}

/**
 * Every service as they run in production, each with its own database: organization, rules-engine,
 * workflow and audit verify tokens against auth's JWKS, auth creates tenants in organization,
 * workflow asks organization and rules-engine, and events flow between them on the in-process bus
 * (the transport of `npm start`), so a new tenant gets its rule packs and audit records every step.
 */
export async function startServices(
  label: string,
  options: { workflowClock?: () => Date; notificationEnv?: Record<string, string> } = {},
) {
  const authPort = freePort();
  // Auth's secret links (invitations, resets, verifications) go out through notification, as .eml
  // files in a folder of the suite's own (no SMTP_URL): tests read the tokens from there.
  const notificationPort = freePort();
  // file-storage asks the document generator who may see an issued PDF, which stores PDFs there;
  // notification reads both (attachments): their ports are chosen before any of them starts.
  const documentsPort = freePort();
  const filesPort = freePort();
  const notificationDataDir = mkdtempSync(join(tmpdir(), "gw-notification-"));
  const mailDir = join(notificationDataDir, "mail");
  const jwksUrl = `http://127.0.0.1:${authPort}/.well-known/jwks.json`;
  const bus: InProcessBus = createInProcessBus({ log: captureLog([]) });
  const organization = await startOrganization(label, { jwksUrl }, bus);
  const [auth, rules, config] = await Promise.all([
    startAuth(label, authPort, organization.url, bus, `http://127.0.0.1:${notificationPort}`),
    startDownstream("rules", label, jwksUrl, bus),
    startDownstream("config", label, jwksUrl, bus),
  ]);
  const [workflow, audit, masterData, notification] = await Promise.all([
    startDownstream(
      "workflow",
      label,
      jwksUrl,
      bus,
      { ORGANIZATION_URL: organization.url, RULES_URL: rules.url, CONFIGURATION_URL: config.url },
      options.workflowClock,
    ),
    startDownstream("audit", label, jwksUrl, bus),
    startDownstream("masterData", label, jwksUrl, bus),
    startDownstream("notification", label, jwksUrl, bus, {
      DATA_DIR: notificationDataDir,
      PORT: String(notificationPort),
      // Webhook endpoints of the generated suites' inputs are not resolved (no DNS in tests).
      WEBHOOKS_ALLOW_PRIVATE_TARGETS: "true",
      // Attachments are read from file-storage and the document generator as their sender.
      FILES_URL: `http://127.0.0.1:${filesPort}`,
      DOCUMENTS_URL: `http://127.0.0.1:${documentsPort}`,
      AUTH_URL: `http://127.0.0.1:${authPort}`,
      SERVICE_TOKEN_SECRET,
      ...options.notificationEnv,
    }),
  ]);
  const files = await startDownstream("files", label, jwksUrl, bus, {
    ...filesEnv(label),
    PORT: String(filesPort),
    ORGANIZATION_URL: organization.url,
    WORKFLOW_URL: workflow.url,
    MASTER_DATA_URL: masterData.url,
    DOCUMENTS_URL: `http://127.0.0.1:${documentsPort}`,
  });
  const documents = await startDownstream("documents", label, jwksUrl, bus, {
    PORT: String(documentsPort),
    RULES_URL: rules.url,
    FILES_URL: files.url,
    MASTER_DATA_URL: masterData.url,
    RENDER_WORKERS: "1",
  });
  // Imports and exports: master-data's records, files in file storage, job tokens from auth.
  const importExport = await startDownstream("importExport", label, jwksUrl, bus, {
    MASTER_DATA_URL: masterData.url,
    FILES_URL: files.url,
    AUTH_URL: auth.url,
    SERVICE_TOKEN_SECRET,
    IMPORT_POLL_MS: "50",
  });
  // The worker stays off here: the suites call every procedure, not scheduled jobs.
  const scheduler = await startDownstream("scheduler", label, jwksUrl, bus, {
    SCHEDULER_WORKER: "off",
    ORGANIZATION_URL: organization.url,
  });
  bus.start();
  const list = [
    auth,
    organization,
    rules,
    workflow,
    audit,
    masterData,
    notification,
    files,
    documents,
    config,
    scheduler,
    importExport,
  ];
  return {
    auth,
    organization,
    rules,
    workflow,
    audit,
    masterData,
    notification,
    files,
    documents,
    config,
    scheduler,
    importExport,
    bus,
    table: {
      auth: auth.url,
      organization: organization.url,
      rules: rules.url,
      workflow: workflow.url,
      audit: audit.url,
      masterData: masterData.url,
      // notification answers two names too: `notification.*` and `webhooks.*`.
      notification: `${notification.url}/notification`,
      webhooks: `${notification.url}/webhooks`,
      files: files.url,
      documents: documents.url,
      config: config.url,
      scheduler: scheduler.url,
      // import-export answers two names, each at a base URL of its own.
      imports: `${importExport.url}/imports`,
      exports: `${importExport.url}/exports`,
    },
    list,
    /** The folder notification writes its mail to (auth's invitation and reset links arrive there). */
    mailDir,
    /** Waits until every outbox is published (and so, on the bus, handled by every consumer). */
    settle: () => settle(list),
    async stop() {
      for (const service of [
        importExport,
        documents,
        files,
        workflow,
        masterData,
        notification,
        config,
        scheduler,
        audit,
        rules,
        auth,
        organization,
      ]) {
        await service.stop();
      }
      await Promise.race([bus.close(), Bun.sleep(1_000)]);
    },
  };
}

/** Unsent outbox rows across the services' databases. */
async function unsent(services: readonly RunningService[]): Promise<number> {
  const counts = await Promise.all(
    services.map(async (service) => {
      const sql = postgres(service.databaseUrl, { max: 1, onnotice: () => {} });
      try {
        const [row] = await sql<{ n: number }[]>`
          select coalesce(sum((xpath('/row/n/text()', query_to_xml(
            'select count(*) as n from ' || quote_ident(table_schema) || '.outbox where sent_at is null',
            false, true, '')))[1]::text::int), 0)::int as n
          from information_schema.tables where table_name = 'outbox' and table_type = 'BASE TABLE'`;
        return row?.n ?? 0;
      } finally {
        await sql.end();
      }
    }),
  );
  return counts.reduce((sum, n) => sum + n, 0);
}

async function settle(services: readonly RunningService[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await unsent(services)) === 0) {
      return;
    }
    await Bun.sleep(50);
  }
  throw new Error(`events still unpublished after ${timeoutMs} ms`);
}

export type RunningServices = Awaited<ReturnType<typeof startServices>>;

/** The gateway in front of `services`, served by the platform's `listen` as `npm start` serves it. */
export function startGateway(
  services: Record<string, string>,
  options: Partial<Omit<GatewayOptions, "services" | "log">> & { trustedProxies?: TrustedProxies } = {},
) {
  const logLines: string[] = [];
  const { trustedProxies, ...gatewayOptions } = options;
  const app = createGateway({ services, log: captureLog(logLines), ...gatewayOptions });
  const server = listen(app, 0, "gateway", { trustedProxies });
  return {
    url: server.url,
    logLines,
    client: (options: Omit<VextrusClientOptions, "url"> = {}) =>
      createVextrusClient({ url: server.url, ...options }),
    stop: () => server.stop(),
  };
}

export type RunningGateway = ReturnType<typeof startGateway>;

export const PLATFORM_PERMISSIONS = [
  "platform:tenant:create",
  "platform:tenant:read",
  "platform:tenant:manage",
];

/** A tenant registered through the gateway by a platform operator, with an admin token for it. */
export async function registerTenant(gateway: RunningGateway, signer: TestSigner, hint: string) {
  const operator = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: PLATFORM_PERMISSIONS });
  const tenant = await gateway.client({ token: operator }).organization.tenants.create.mutate({
    slug: `${hint}-${Bun.randomUUIDv7().slice(-8)}`,
    legalName: `${hint} Builders Ltd`,
  });
  const token = await signer.sign({ tenantId: tenant.id, permissions: ["organization:*"] });
  return { tenant, token, api: gateway.client({ token }) };
}

/** Raw tRPC over HTTP, for what a typed client would not send. */
export async function rawCall(
  baseUrl: string,
  path: string,
  init: { method?: string; search?: string; body?: string; headers?: Record<string, string> } = {},
) {
  const res = await fetch(`${baseUrl}/trpc/${path}${init.search ? `?${init.search}` : ""}`, {
    method: init.method ?? "GET",
    headers: { ...(init.body ? { "content-type": "application/json" } : {}), ...init.headers },
    body: init.body,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** `input=` for a GET batch: each input wrapped the way superjson wraps plain JSON. */
export const batchInput = (inputs: readonly unknown[]) =>
  `batch=1&input=${encodeURIComponent(JSON.stringify(Object.fromEntries(inputs.map((v, i) => [i, { json: v }]))))}`;

/** Row counts of every table in the database's service schemas (what bad input must not change). */
export async function rowCounts(databaseUrl: string): Promise<Record<string, number>> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    // One round trip: query_to_xml counts each table inside the same statement.
    const rows = await sql<{ name: string; n: number }[]>`
      select quote_ident(table_schema) || '.' || quote_ident(table_name) as name,
             (xpath('/row/n/text()', query_to_xml(
               'select count(*) as n from ' || quote_ident(table_schema) || '.' || quote_ident(table_name),
               false, true, '')))[1]::text::int as n
      from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema', 'drizzle')
      order by 1`;
    return Object.fromEntries(rows.map((row) => [row.name, row.n]));
  } finally {
    await sql.end();
  }
}

export { createTestSigner, type TestSigner };
