/**
 * `npm start`: every service and the gateway in one process. Embedded by default: one PGlite database
 * under DATA_DIR shared by all services, and the in-process event bus. With DATABASE_URL /
 * KAFKA_BROKERS set, those instead. `<SERVICE>_PORT` moves a service (e.g. ORGANIZATION_PORT).
 */

import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { bootAudit } from "@vextrus/audit/boot";
import { AuditEnv } from "@vextrus/audit/env";
import { bootAuth } from "@vextrus/auth/boot";
import { AuthEnv } from "@vextrus/auth/env";
import { bootConfiguration } from "@vextrus/configuration/boot";
import { ConfigurationEnv } from "@vextrus/configuration/env";
import { bootDocumentGenerator } from "@vextrus/document-generator/boot";
import { DocumentGeneratorEnv } from "@vextrus/document-generator/env";
import { createInProcessBus, runCreateTopics } from "@vextrus/events";
import { bootFileStorage } from "@vextrus/file-storage/boot";
import { FileStorageEnv } from "@vextrus/file-storage/env";
import { bootGateway } from "@vextrus/gateway/boot";
import { GatewayEnv } from "@vextrus/gateway/env";
import { bootImportExport } from "@vextrus/import-export/boot";
import { ImportExportEnv } from "@vextrus/import-export/env";
import { bootMasterData } from "@vextrus/master-data/boot";
import { MasterDataEnv } from "@vextrus/master-data/env";
import { bootNotification } from "@vextrus/notification/boot";
import { NotificationEnv } from "@vextrus/notification/env";
import { bootOrganization } from "@vextrus/organization/boot";
import { OrganizationEnv } from "@vextrus/organization/env";
import { createLogger, readEnvOrExit, ServiceEnv, type Stoppable, stopOnSignal } from "@vextrus/platform";
import { openPglite } from "@vextrus/platform/pglite";
import { bootRulesEngine } from "@vextrus/rules-engine/boot";
import { RulesEngineEnv } from "@vextrus/rules-engine/env";
import { bootScheduler } from "@vextrus/scheduler/boot";
import { SchedulerEnv } from "@vextrus/scheduler/env";
import { bootWorkflow } from "@vextrus/workflow/boot";
import { WorkflowEnv } from "@vextrus/workflow/env";
import { ensureConsoleBuilt } from "./console-build.ts";
import { routesOf } from "./route-names.ts";

/**
 * Every service reads the same environment here; only its port variable differs. Services listen on
 * loopback (only the gateway in this process calls them) and believe X-Forwarded-For from it alone;
 * the gateway listens on HOST (loopback unless set).
 */
const envFor = (service: string, extra: Record<string, string | undefined> = {}) => ({
  ...process.env,
  PORT: process.env[`${service.toUpperCase().replaceAll("-", "_")}_PORT`],
  ...(service === "gateway"
    ? { HOST: process.env.HOST ?? "127.0.0.1" }
    : { HOST: "127.0.0.1", TRUSTED_PROXIES: "127.0.0.1" }),
  ...extra,
});
const local = (port: number) => `http://127.0.0.1:${port}`;

const common = readEnvOrExit(ServiceEnv, process.env);
const log = createLogger({ level: common.LOG_LEVEL });
const orgPort = readEnvOrExit(OrganizationEnv, envFor("organization")).PORT;
const authPort = readEnvOrExit(AuthEnv, envFor("auth")).PORT;
const rulesPort = readEnvOrExit(RulesEngineEnv, envFor("rules-engine")).PORT;
const workflowPort = readEnvOrExit(WorkflowEnv, envFor("workflow")).PORT;
const masterDataPort = readEnvOrExit(MasterDataEnv, envFor("master-data")).PORT;
const configPort = readEnvOrExit(ConfigurationEnv, envFor("configuration")).PORT;
const filesPort = readEnvOrExit(FileStorageEnv, envFor("file-storage")).PORT;
const notificationPort = readEnvOrExit(NotificationEnv, envFor("notification")).PORT;
const documentsPort = readEnvOrExit(DocumentGeneratorEnv, envFor("document-generator")).PORT;
const gatewayEnv = readEnvOrExit(GatewayEnv, envFor("gateway"));
const gatewayPort = gatewayEnv.PORT;
if (gatewayEnv.CONSOLE_DIR && process.env.CONSOLE_DIR === undefined) {
  await ensureConsoleBuilt();
}
// The scheduler asks auth for tenant-scoped tokens with a secret only the two share; one process,
// so a random one per start unless set.
const serviceTokenSecret = process.env.SERVICE_TOKEN_SECRET ?? randomBytes(32).toString("hex");
const jwksUrl = process.env.JWKS_URL ?? `${local(authPort)}/.well-known/jwks.json`;

let pglite: PGlite | undefined;
if (!common.DATABASE_URL) {
  const dir = join(common.DATA_DIR, "pglite");
  mkdirSync(dir, { recursive: true });
  pglite = await openPglite(dir);
}
const bus = common.KAFKA_BROKERS ? undefined : createInProcessBus({ log });
if (common.KAFKA_BROKERS) {
  // A fresh broker has no topics and services refuse to create them: do what `npm run topics:create`
  // does (only what is missing; KAFKA_REPLICATION_FACTOR and KAFKA_PARTITIONS apply).
  const report: string[] = [];
  if ((await runCreateTopics(process.env, (line) => report.push(line))) !== 0) {
    console.error(report.join("\n"));
    process.exit(1);
  }
  log.info("kafka topics", { summary: report.at(-1)?.trim() });
}
const shared = { pglite, log, bus };

const services = [
  await bootAuth(
    readEnvOrExit(
      AuthEnv,
      envFor("auth", {
        ORGANIZATION_URL: process.env.ORGANIZATION_URL ?? local(orgPort),
        // Invitation, reset and verification links go out through notification (mail or .eml files).
        NOTIFICATION_URL: process.env.NOTIFICATION_URL ?? local(notificationPort),
        SERVICE_TOKEN_SECRET: serviceTokenSecret,
      }),
    ),
    shared,
  ),
  await bootOrganization(
    readEnvOrExit(OrganizationEnv, envFor("organization", { JWKS_URL: jwksUrl })),
    shared,
  ),
  await bootRulesEngine(readEnvOrExit(RulesEngineEnv, envFor("rules-engine", { JWKS_URL: jwksUrl })), shared),
  await bootWorkflow(
    readEnvOrExit(
      WorkflowEnv,
      envFor("workflow", {
        JWKS_URL: jwksUrl,
        ORGANIZATION_URL: process.env.ORGANIZATION_URL ?? local(orgPort),
        RULES_URL: process.env.RULES_URL ?? local(rulesPort),
        CONFIGURATION_URL: process.env.CONFIGURATION_URL ?? local(configPort),
      }),
    ),
    shared,
  ),
  await bootAudit(readEnvOrExit(AuditEnv, envFor("audit", { JWKS_URL: jwksUrl })), shared),
  await bootMasterData(readEnvOrExit(MasterDataEnv, envFor("master-data", { JWKS_URL: jwksUrl })), shared),
  // Mail goes to SMTP_URL, else as .eml files under DATA_DIR/mail; SMS to SMS_URL, else the log.
  await bootNotification(
    readEnvOrExit(NotificationEnv, envFor("notification", { JWKS_URL: jwksUrl })),
    shared,
  ),
  // Files live under DATA_DIR/files unless S3_ENDPOINT is set; their links point at this service.
  await bootFileStorage(
    readEnvOrExit(
      FileStorageEnv,
      envFor("file-storage", {
        JWKS_URL: jwksUrl,
        ORGANIZATION_URL: process.env.ORGANIZATION_URL ?? local(orgPort),
        WORKFLOW_URL: process.env.WORKFLOW_URL ?? local(workflowPort),
        MASTER_DATA_URL: process.env.MASTER_DATA_URL ?? local(masterDataPort),
        DOCUMENTS_URL: process.env.DOCUMENTS_URL ?? local(documentsPort),
        CONFIGURATION_URL: process.env.CONFIGURATION_URL ?? local(configPort),
      }),
    ),
    shared,
  ),
  // PDFs by Typst in worker threads; taxes from rules-engine, numbers from master-data's series,
  // issued PDFs kept by file-storage.
  await bootDocumentGenerator(
    readEnvOrExit(
      DocumentGeneratorEnv,
      envFor("document-generator", {
        JWKS_URL: jwksUrl,
        RULES_URL: process.env.RULES_URL ?? local(rulesPort),
        FILES_URL: process.env.FILES_URL ?? local(filesPort),
        MASTER_DATA_URL: process.env.MASTER_DATA_URL ?? local(masterDataPort),
      }),
    ),
    shared,
  ),
  await bootConfiguration(
    readEnvOrExit(ConfigurationEnv, envFor("configuration", { JWKS_URL: jwksUrl })),
    shared,
  ),
  // Spreadsheets in and out of master-data, files in file storage; its jobs act for their creator
  // with tokens from auth (the same one-process secret as the scheduler's).
  await bootImportExport(
    readEnvOrExit(
      ImportExportEnv,
      envFor("import-export", {
        JWKS_URL: jwksUrl,
        MASTER_DATA_URL: process.env.MASTER_DATA_URL ?? local(masterDataPort),
        FILES_URL: process.env.FILES_URL ?? local(filesPort),
        AUTH_URL: process.env.AUTH_URL ?? local(authPort),
        SERVICE_TOKEN_SECRET: serviceTokenSecret,
      }),
    ),
    shared,
  ),
  // Jobs run on the same PGlite (or DATABASE_URL); procedure targets go through the gateway.
  await bootScheduler(
    readEnvOrExit(
      SchedulerEnv,
      envFor("scheduler", {
        JWKS_URL: jwksUrl,
        GATEWAY_URL: process.env.GATEWAY_URL ?? local(gatewayPort),
        AUTH_URL: process.env.AUTH_URL ?? local(authPort),
        ORGANIZATION_URL: process.env.ORGANIZATION_URL ?? local(orgPort),
        SERVICE_TOKEN_SECRET: serviceTokenSecret,
      }),
    ),
    shared,
  ),
];
// The gateway names services as callers see them: `rules.evaluate`, `masterData.parties.list`.
const routes = Object.fromEntries(services.flatMap((s) => routesOf(s.name, s.url)));
const gateway = await bootGateway(readEnvOrExit(GatewayEnv, envFor("gateway", { JWKS_URL: jwksUrl })), {
  services: routes,
  log,
  bus,
  pglite,
});
bus?.start();

// The front door stops first, then each service (HTTP, relays, consumers, database), then PGlite.
/** Stops each part in turn, going on past a failure; fails at the end naming what did not stop. */
const inOrder = (name: string, list: readonly Stoppable[]): Stoppable => ({
  name,
  async stop() {
    const failures: string[] = [];
    for (const part of list) {
      await part.stop().catch((error: unknown) => failures.push(`${part.name}: ${String(error)}`));
    }
    if (failures.length > 0) {
      throw new Error(failures.join("; "));
    }
  },
});
// The gateway first (no new calls), then the services side by side: one after another, thirteen
// consumer groups leaving Kafka outlasted SHUTDOWN_TIMEOUT_MS and Ctrl-C ended with exit code 1.
const parts: Stoppable[] = [
  inOrder(gateway.name, gateway.parts),
  {
    name: "services",
    stop: async () => {
      const outcomes = await Promise.allSettled(services.map((s) => inOrder(s.name, s.parts).stop()));
      const failed = outcomes.flatMap((o, i) =>
        o.status === "rejected" ? [`${services[i]?.name}: ${o.reason}`] : [],
      );
      if (failed.length > 0) {
        throw new Error(failed.join("; "));
      }
    },
  },
];
if (bus) {
  parts.push({ name: "event bus", stop: () => bus.close() });
}
if (pglite) {
  const db = pglite;
  parts.push({ name: "pglite", stop: () => db.close() });
}
stopOnSignal(parts, log, common.SHUTDOWN_TIMEOUT_MS);

console.log("\nVextrus is running:");
for (const service of [gateway, ...services]) {
  console.log(`  ${service.name.padEnd(14)} ${service.url}  (/trpc, /health/ready, /metrics)`);
}
if (gatewayEnv.CONSOLE_DIR) {
  console.log(`  console        ${gateway.url}  (the web app, from ${gatewayEnv.CONSOLE_DIR})`);
}
console.log(
  `  database       ${pglite ? `embedded PGlite in ${common.DATA_DIR}/pglite` : "PostgreSQL from DATABASE_URL"}`,
);
console.log(`  events         ${bus ? "in-process bus" : `Kafka at ${common.KAFKA_BROKERS}`}`);
console.log("Call everything through the gateway with @vextrus/client. Press Ctrl-C to stop.\n");
