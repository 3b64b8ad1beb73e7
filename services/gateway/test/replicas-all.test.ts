/**
 * How a customer outgrows one process, for the whole system: two replicas of every service (auth,
 * organization, master-data, workflow, rules-engine, audit, notification, file-storage,
 * document-generator, scheduler, configuration, import-export) on one PostgreSQL database per service
 * and one Kafka broker, behind one gateway. Services reach each other through one address per service
 * that balances over its replicas (what a compose network's service name or a Kubernetes Service
 * does), built from the gateway's own replica pool.
 *
 * A company signs up, invites a site engineer, builds its hierarchy, and a purchase requisition is
 * started and approved through the gateway, while one replica of every service is stopped and later
 * started again on the same address. Checked: no request fails except the ones the test expects
 * (429s of a limit); every event the outboxes hold is in Kafka exactly once (the relays share each
 * outbox); audit records each of the tenant's events once and the chain verifies; each service's
 * consumer group has both replicas, each with partitions; a configuration change reaches the cache of
 * both workflow replicas, and a new rule the cache of both rules-engine replicas; a rotated signing key
 * is published by both auth replicas at once and its tokens accepted by both replicas of three services;
 * a suspension is refused by both organization and both auth replicas, a reactivation accepted again;
 * a per-address budget of auth holds across its two replicas and the restart; the approval is one trace (OpenTelemetry,
 * in-memory exporter) from the caller through the gateway and workflow to audit's consumer span.
 *
 * Slow on a loaded machine: every wait is bounded and a timeout names the step and how long it took.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootAudit } from "@vextrus/audit/boot";
import { AuditEnv } from "@vextrus/audit/env";
import { bootAuth } from "@vextrus/auth/boot";
import { AuthEnv } from "@vextrus/auth/env";
import { bootConfiguration } from "@vextrus/configuration/boot";
import { ConfigurationEnv } from "@vextrus/configuration/env";
import { bootDocumentGenerator } from "@vextrus/document-generator/boot";
import { DocumentGeneratorEnv } from "@vextrus/document-generator/env";
import {
  type Booted,
  createCatalogTopics,
  type DeliveredMessage,
  kafkaTransport,
  type Transport,
  withKafkaAdmin,
} from "@vextrus/events";
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
import { createLogger, listen, parseTrustedProxies, type Stoppable } from "@vextrus/platform";
import {
  createTestDatabase,
  kafkaBrokers,
  s3Settings,
  startTestTracing,
  type TestDatabase,
  type TestTracing,
  tokenFromFolder,
} from "@vextrus/platform/testing";
import { bootRulesEngine } from "@vextrus/rules-engine/boot";
import { RulesEngineEnv } from "@vextrus/rules-engine/env";
import { bootScheduler } from "@vextrus/scheduler/boot";
import { SchedulerEnv } from "@vextrus/scheduler/env";
import { bootWorkflow } from "@vextrus/workflow/boot";
import { WorkflowEnv } from "@vextrus/workflow/env";
import { AssignerProtocol } from "kafkajs";
import postgres from "postgres";
import { createGateway } from "../src/app.ts";
import { createReplicaPool, replicaFetch } from "../src/replicas.ts";
import { strongPassword } from "./fixtures.ts";
import { SERVICE_TOKEN_SECRET } from "./harness.ts";

const SERVICES = [
  "auth",
  "organization",
  "masterData",
  "workflow",
  "rules",
  "audit",
  "notification",
  "files",
  "documents",
  "scheduler",
  "config",
  "importExport",
] as const;
type Service = (typeof SERVICES)[number];

const prefix = `t-allrep-${Bun.randomUUIDv7().slice(-8)}.`;
const quiet = createLogger({ level: "error", write: () => {} });
/** Password-reset requests one address may make per hour (auth's budget, in PostgreSQL). */
const RESET_BUDGET = 4;
/**
 * How often the gateway and each service address ask each replica for /health/ready (which asks
 * PostgreSQL and Kafka). Every 250 ms would be about 200 probes a second across 24 replicas in one
 * process; a stopped replica is skipped at its first refused connection anyway.
 */
const PROBE_MS = 1_000;
const SIGNING_KEY_SECRET = "replicas-suite-signing-key-secret-0123456789";

interface Replica {
  service: Service;
  index: 0 | 1;
  port: number;
  url: string;
  lines: string[];
  parts: Stoppable[];
  transport: Transport;
}

/** A service's one address for the other services, balancing over its replicas. */
interface Address {
  url: string;
  stop(): void;
}

const timings: string[] = [];
/** Runs a step, noting how long it took; a failure names the step and its time. */
async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    const result = await run();
    timings.push(`${name}: ${Math.round(performance.now() - started)} ms`);
    return result;
  } catch (error) {
    const ms = Math.round(performance.now() - started);
    timings.push(`${name}: FAILED after ${ms} ms`);
    throw new Error(`step "${name}" failed after ${ms} ms (load ${loadAverage()}): ${String(error)}`, {
      cause: error,
    });
  }
}

const loadAverage = () => {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "unknown";
  }
};

/** Polls `probe` until it answers something, or fails saying what it was waiting for. */
async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const found = await probe();
      if (found !== undefined) {
        return found;
      }
    } catch (error) {
      last = error;
    }
    await Bun.sleep(250);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ""}`);
}

const handedOut = new Set<number>();
/**
 * A port nobody listens on right now, for a replica (it comes back on the address it had) or a service
 * address. Below the kernel's ephemeral range (32768+), which port-0 listeners and outgoing
 * connections use: one of those once took a port picked here before its replica had bound it.
 */
function freePort(): number {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (handedOut.has(port)) {
      continue;
    }
    try {
      const probe = Bun.serve({ port, hostname: "127.0.0.1", fetch: () => new Response() });
      probe.stop(true);
      handedOut.add(port);
      return port;
    } catch {
      // taken: try another
    }
  }
}

const dbs = {} as Record<Service, TestDatabase>;
const ports = {} as Record<Service, [number, number]>;
const addresses = {} as Record<Service, Address>;
const replicas: Replica[] = [];
/** Every replica started, the stopped ones included (their logs are read at the end). */
const everyReplica: Replica[] = [];
let topicNames: string[] = [];
let dataDir: string;
let bucket: string;

const replicaUrls = (service: Service) => ports[service].map((port) => `http://127.0.0.1:${port}`);

/**
 * One address per service for the others to call, as a compose network gives: requests go round robin
 * to the ready replicas (the gateway's pool and replicaFetch: a refused connection goes to the other).
 */
function startAddress(service: Service): Address {
  const urls = replicaUrls(service);
  const pool = createReplicaPool({ [service]: urls }, { log: quiet, probeMs: PROBE_MS });
  const call = replicaFetch(pool, service);
  const server = Bun.serve({
    port: freePort(),
    hostname: "127.0.0.1",
    idleTimeout: 120,
    async fetch(request) {
      const url = new URL(request.url);
      const headers = new Headers(request.headers);
      headers.delete("host");
      const body =
        request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
      let answer: Response;
      try {
        answer = await call(`${urls[0]}${url.pathname}${url.search}`, {
          method: request.method,
          headers,
          body,
          redirect: "manual",
        });
      } catch (error) {
        // What a service mesh answers when no replica can be reached; the caller sees it as a failure.
        return new Response(`no replica of ${service} answered: ${String(error)}`, { status: 502 });
      }
      const out = new Headers(answer.headers);
      out.delete("content-encoding");
      out.delete("content-length");
      return new Response(await answer.arrayBuffer(), { status: answer.status, headers: out });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    stop() {
      pool.stop();
      server.stop(true);
    },
  };
}

/** The settings of `service` as compose gives them: other services by their one address. */
function envOf(service: Service, index: 0 | 1): Record<string, string> {
  const at = (name: Service) => addresses[name].url;
  const common = {
    DATABASE_URL: dbs[service].url,
    JWKS_URL: `${at("auth")}/.well-known/jwks.json`,
    LOG_LEVEL: "info",
    REPLICA_ID: `${service}-${index}`,
    // Services believe X-Forwarded-For from the gateway only (loopback here).
    TRUSTED_PROXIES: "127.0.0.1",
    UPSTREAM_TIMEOUT_MS: "30000",
  };
  const s3 = s3Settings();
  switch (service) {
    case "auth": {
      const { JWKS_URL: _own, ...rest } = common;
      return {
        ...rest,
        ORGANIZATION_URL: at("organization"),
        NOTIFICATION_URL: at("notification"),
        REGISTRATIONS_PER_IP_PER_HOUR: "1000",
        RESET_REQUESTS_PER_IP_PER_HOUR: String(RESET_BUDGET),
        SERVICE_TOKEN_SECRET,
        SIGNING_KEY_SECRET,
      };
    }
    case "workflow":
      return {
        ...common,
        ORGANIZATION_URL: at("organization"),
        RULES_URL: at("rules"),
        CONFIGURATION_URL: at("config"),
      };
    case "notification":
      return {
        ...common,
        // Both replicas write mail into one folder (a shared volume): the invitation is read from it.
        DATA_DIR: dataDir,
        WEBHOOKS_ALLOW_PRIVATE_TARGETS: "true",
        FILES_URL: at("files"),
        DOCUMENTS_URL: at("documents"),
        AUTH_URL: at("auth"),
        SERVICE_TOKEN_SECRET,
      };
    case "files":
      return {
        ...common,
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        S3_BUCKET: bucket,
        ORGANIZATION_URL: at("organization"),
        WORKFLOW_URL: at("workflow"),
        MASTER_DATA_URL: at("masterData"),
        DOCUMENTS_URL: at("documents"),
      };
    case "documents":
      return {
        ...common,
        RULES_URL: at("rules"),
        FILES_URL: at("files"),
        MASTER_DATA_URL: at("masterData"),
        RENDER_WORKERS: "1",
      };
    case "importExport":
      return {
        ...common,
        MASTER_DATA_URL: at("masterData"),
        FILES_URL: at("files"),
        AUTH_URL: at("auth"),
        SERVICE_TOKEN_SECRET,
      };
    case "scheduler":
      // The worker stays off: this suite is about requests and events, not scheduled runs.
      return {
        ...common,
        SCHEDULER_WORKER: "off",
        ORGANIZATION_URL: at("organization"),
        AUTH_URL: at("auth"),
        SERVICE_TOKEN_SECRET,
      };
    default:
      return common;
  }
}

async function bootService(service: Service, index: 0 | 1): Promise<Replica> {
  const port = ports[service][index];
  const transport = kafkaTransport({
    brokers: kafkaBrokers(),
    clientId: `${service}-${index}`,
    log: quiet,
    topicPrefix: prefix,
  });
  const lines: string[] = [];
  const shared = { log: createLogger({ level: "info", write: (line) => lines.push(line) }), bus: transport };
  const raw = envOf(service, index);
  const where = { PORT: port, HOST: "127.0.0.1" };
  const boots: Record<Service, () => Promise<Booted>> = {
    auth: () => bootAuth({ ...AuthEnv.parse(raw), ...where }, shared),
    organization: () => bootOrganization({ ...OrganizationEnv.parse(raw), ...where }, shared),
    masterData: () => bootMasterData({ ...MasterDataEnv.parse(raw), ...where }, shared),
    workflow: () => bootWorkflow({ ...WorkflowEnv.parse(raw), ...where }, shared),
    rules: () => bootRulesEngine({ ...RulesEngineEnv.parse(raw), ...where }, shared),
    audit: () => bootAudit({ ...AuditEnv.parse(raw), ...where }, shared),
    notification: () => bootNotification({ ...NotificationEnv.parse(raw), ...where }, shared),
    files: () => bootFileStorage({ ...FileStorageEnv.parse(raw), ...where }, shared),
    documents: () => bootDocumentGenerator({ ...DocumentGeneratorEnv.parse(raw), ...where }, shared),
    scheduler: () => bootScheduler({ ...SchedulerEnv.parse(raw), ...where }, shared),
    config: () => bootConfiguration({ ...ConfigurationEnv.parse(raw), ...where }, shared),
    importExport: () => bootImportExport({ ...ImportExportEnv.parse(raw), ...where }, shared),
  };
  const booted = await step(`boot ${service}#${index}`, () => boots[service]());
  const replica = { service, index, port, url: booted.url, lines, parts: booted.parts, transport };
  everyReplica.push(replica);
  return replica;
}

/** Stops a replica as SIGTERM would: HTTP, relay, consumers (leaving the group), database. */
async function stopReplica(replica: Replica) {
  for (const part of replica.parts) {
    await Promise.race([part.stop().catch(() => undefined), Bun.sleep(10_000)]);
  }
  await Promise.race([replica.transport.close().catch(() => undefined), Bun.sleep(10_000)]);
}

const replicaOf = (service: Service, index: 0 | 1) => {
  const found = replicas.find((r) => r.service === service && r.index === index);
  if (!found) {
    throw new Error(`no replica ${service}#${index}`);
  }
  return found;
};

let tracing: TestTracing;

beforeAll(async () => {
  // Spans go to an in-memory exporter (what OTLP would send): the approval is followed as one trace.
  tracing = await startTestTracing();
  const created = await step("create topics", () =>
    withKafkaAdmin(kafkaBrokers(), (admin) =>
      createCatalogTopics(admin, { prefix, partitions: 2, replicationFactor: 1 }),
    ),
  );
  topicNames = created.map((topic) => topic.name);
  dataDir = mkdtempSync(join(tmpdir(), "gw-allrep-"));
  bucket = `gw-allrep-${Bun.randomUUIDv7().slice(-8)}`;
  await step("create databases", async () => {
    for (const service of SERVICES) {
      dbs[service] = await createTestDatabase(`gw_allrep_${service.toLowerCase()}`);
      ports[service] = [freePort(), freePort()];
    }
  });
  for (const service of SERVICES) {
    addresses[service] = startAddress(service);
  }
  // Every address is known before anything starts, so all replicas boot side by side: the first of
  // each service (migrations take an advisory lock), then the second.
  for (const index of [0, 1] as const) {
    replicas.push(
      ...(await step(`boot every #${index}`, () => Promise.all(SERVICES.map((s) => bootService(s, index))))),
    );
  }
}, 400_000);

afterAll(async () => {
  await Promise.all(replicas.map((replica) => stopReplica(replica)));
  for (const service of SERVICES) {
    addresses[service]?.stop();
  }
  await Promise.all(Object.values(dbs).map((db) => db.drop().catch(() => undefined)));
  await withKafkaAdmin(kafkaBrokers(), (admin) => admin.deleteTopics({ topics: topicNames })).catch(
    () => undefined,
  );
  await tracing?.stop();
  console.log(`replicas-all timings (load now ${loadAverage()}):\n  ${timings.join("\n  ")}`);
}, 120_000);

/** The gateway's table: each name with both replicas' base URLs. */
function gatewayTable(): Record<string, string[]> {
  const urls = (service: Service, path = "") => replicaUrls(service).map((url) => `${url}${path}`);
  return {
    auth: urls("auth"),
    organization: urls("organization"),
    masterData: urls("masterData"),
    workflow: urls("workflow"),
    rules: urls("rules"),
    audit: urls("audit"),
    notification: urls("notification", "/notification"),
    webhooks: urls("notification", "/webhooks"),
    files: urls("files"),
    documents: urls("documents"),
    scheduler: urls("scheduler"),
    config: urls("config"),
    imports: urls("importExport", "/imports"),
    exports: urls("importExport", "/exports"),
  };
}

interface Answer {
  status: number;
  data: unknown;
  requestId: string;
  text: string;
}

describe("two replicas of every service behind one gateway", () => {
  test("a company's journey, sign-up to approval and audit, while one replica of each stops and starts again", async () => {
    // A sign-up hashes a password and creates the tenant in organization: on a loaded machine that
    // took over the default 10 s, so the gateway waits up to 60 s (slow requests are listed at the end).
    const app = createGateway({
      services: gatewayTable(),
      log: quiet,
      replicaProbeMs: PROBE_MS,
      upstreamTimeoutMs: 60_000,
    });
    // The gateway believes X-Forwarded-For from loopback: the test speaks for several client addresses.
    const gateway = listen(app, 0, "gateway", { trustedProxies: parseTrustedProxies(["127.0.0.1"]) });
    /** Every request's outcome; those not expected fail the test. */
    const unexpected: string[] = [];
    let phase = "both replicas up";

    async function call(
      path: string,
      input: unknown,
      options: {
        token?: string;
        method?: "GET" | "POST";
        expect?: number;
        from?: string;
        traceparent?: string;
      } = {},
    ): Promise<Answer> {
      const method = options.method ?? "POST";
      const requestId = `allrep-${Bun.randomUUIDv7()}`;
      const encoded = encodeURIComponent(JSON.stringify({ json: input }));
      const sent = performance.now();
      const res = await fetch(`${gateway.url}/trpc/${path}${method === "GET" ? `?input=${encoded}` : ""}`, {
        method,
        headers: {
          "content-type": "application/json",
          "x-request-id": requestId,
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.from ? { "x-forwarded-for": options.from } : {}),
          ...(options.traceparent ? { traceparent: options.traceparent } : {}),
        },
        body: method === "POST" ? JSON.stringify({ json: input }) : undefined,
      });
      const text = await res.text();
      const took = performance.now() - sent;
      if (took > 3_000) {
        timings.push(`  slow request (${phase}): ${method} ${path} ${Math.round(took)} ms`);
      }
      const wanted = options.expect ?? 200;
      if (res.status !== wanted) {
        // What the replicas logged about it (its request id travels to every service it reached).
        const logged = replicas.flatMap((r) =>
          r.lines
            .filter((line) => line.includes(requestId))
            .map((line) => `\n    ${r.service}#${r.index}: ${line.slice(0, 400)}`),
        );
        const trouble = replicas.flatMap((r) =>
          r.lines
            .filter((line) => /"level":"(warn|error)"/.test(line))
            .slice(-3)
            .map((line) => `\n    ${r.service}#${r.index} said: ${line.slice(0, 300)}`),
        );
        const what = `${phase}: ${method} ${path} answered ${res.status} (expected ${wanted}): ${text.slice(0, 400)}${logged.join("")}${trouble.join("")}`;
        unexpected.push(what);
        throw new Error(what);
      }
      let data: unknown;
      try {
        data = (JSON.parse(text) as { result?: { data?: { json?: unknown } } }).result?.data?.json;
      } catch {
        data = undefined;
      }
      return { status: res.status, data, requestId, text };
    }
    const query = (path: string, input: unknown, token: string) =>
      call(path, input, { token, method: "GET" });
    /** Which replicas of `service` logged the request. */
    const servedBy = (service: Service, requestId: string) =>
      replicas
        .filter((r) => r.service === service && r.lines.some((line) => line.includes(requestId)))
        .map((r) => r.index);

    /** A cheap query of every name the gateway routes, twice (both replicas, when both are up). */
    async function touchEveryService(token: string, companyId: string) {
      const reads: [string, unknown][] = [
        ["auth.users.list", {}],
        ["organization.companies.list", {}],
        ["masterData.parties.list", {}],
        ["workflow.definitions.list", {}],
        ["rules.ruleSets.list", {}],
        ["audit.events.list", { limit: 5 }],
        ["notification.inbox.list", {}],
        ["webhooks.list", {}],
        // file-storage asks organization whether the caller may see the company: a call between services.
        ["files.list", { attachedTo: { service: "organization", type: "company", id: companyId } }],
        ["documents.list", {}],
        ["scheduler.jobs.list", {}],
        ["config.resolve", { key: "workflow.sla.hours" }],
        ["imports.list", {}],
        ["exports.list", {}],
      ];
      for (let round = 0; round < 2; round++) {
        for (const [path, input] of reads) {
          await query(path, input, token);
        }
      }
    }

    try {
      // ── 1. Sign-up and the organisation, every replica up ─────────────────────────────────────
      const slug = `allrep-${Bun.randomUUIDv7().slice(-8)}`;
      const adminEmail = `admin@${slug}.com.bd`;
      const adminPassword = strongPassword();
      const signedUp = await step("sign up", () =>
        call("auth.registerTenant", {
          tenant: { slug, legalName: "Replica Housing Ltd" },
          admin: { name: "Farhana Islam", email: adminEmail, password: adminPassword },
        }),
      );
      const registration = signedUp.data as { tenant: { id: string }; user: { id: string } };
      const tenantId = registration.tenant.id;
      const adminUserId = registration.user.id;
      const login = async (identifier: string, password: string) =>
        (
          (await call("auth.login", { tenantSlug: slug, identifier, password })).data as {
            accessToken: string;
          }
        ).accessToken;
      const admin = await step("admin signs in", () => login(adminEmail, adminPassword));

      // Reset requests from one address, half the budget now (the rest with a replica of auth down).
      const resetFrom = `198.51.100.${Math.floor(Math.random() * 200) + 1}`;
      const requestReset = (expect = 200) =>
        call(
          "auth.passwordReset.request",
          { tenantSlug: slug, identifier: `nobody@${slug}.com.bd` },
          { from: resetFrom, expect },
        );
      const resetServers = new Set<number>();
      for (let i = 0; i < RESET_BUDGET / 2; i++) {
        const answer = await requestReset();
        for (const index of servedBy("auth", answer.requestId)) {
          resetServers.add(index);
        }
      }

      const role = (
        await call(
          "auth.roles.create",
          {
            name: "Requisitioner",
            permissions: [
              "workflow:process:start",
              "workflow:process:read",
              "workflow:task:read",
              "workflow:definition:read",
              "organization:chain:read",
              "organization:department:read",
              "rules:evaluation:run",
            ],
          },
          { token: admin },
        )
      ).data as { id: string };
      const engineerEmail = `engineer@${slug}.com.bd`;
      const invited = await step("invite the engineer", () =>
        call(
          "auth.users.invite",
          { name: "Engineer Hasan", email: engineerEmail, roleIds: [role.id] },
          { token: admin },
        ),
      );
      const engineerUserId = (invited.data as { user: { id: string } }).user.id;
      const engineerPassword = strongPassword();
      const inviteToken = await step("the invitation arrives", () =>
        tokenFromFolder(join(dataDir, "mail"), engineerEmail, "accept-invite", 60_000),
      );
      await call("auth.invites.accept", { token: inviteToken, password: engineerPassword });
      const engineer = await login(engineerEmail, engineerPassword);

      const company = (
        await call("organization.companies.create", { name: "Replica Housing" }, { token: admin })
      ).data as { id: string };
      const department = (
        await call(
          "organization.departments.create",
          { companyId: company.id, name: "Site A, Purbachal" },
          { token: admin },
        )
      ).data as { id: string };
      const designation = async (name: string, rank: number, approvalLimit: string) =>
        (
          (await call("organization.designations.create", { name, rank, approvalLimit }, { token: admin }))
            .data as {
            id: string;
          }
        ).id;
      const mdDesignation = await designation("Managing Director", 4, "50000000");
      const engineerDesignation = await designation("Site Engineer", 1, "0");
      await call(
        "organization.memberships.create",
        {
          userId: adminUserId,
          companyId: company.id,
          departmentId: department.id,
          designationId: mdDesignation,
        },
        { token: admin },
      );
      await call(
        "organization.memberships.create",
        {
          userId: engineerUserId,
          companyId: company.id,
          departmentId: department.id,
          designationId: engineerDesignation,
          reportsToUserId: adminUserId,
        },
        { token: admin },
      );
      const party = (index: number) => ({
        name: `Supplier ${index} Ltd`,
        roles: ["supplier"],
        mobiles: ["01712345678"],
        addresses: [{ line1: `House ${index}, Motijheel`, divisionId: 6, districtId: 47, postcode: "1000" }],
      });
      await call("masterData.parties.create", party(1), { token: admin });
      // The workflow replicas read the tenant's SLA (configuration, cached) when a definition is made.
      const slaOf = async (key: string) => {
        const created = await call(
          "workflow.definitions.create",
          { key, name: `Definition ${key}` },
          { token: admin },
        );
        const body = created.data as {
          definition?: { slaHours?: number };
          version?: { slaHours?: number };
          slaHours?: number;
        };
        return {
          sla: body.version?.slaHours ?? body.definition?.slaHours ?? body.slaHours,
          servedBy: servedBy("workflow", created.requestId),
          body,
        };
      };
      const before = [await slaOf("probe.before_a"), await slaOf("probe.before_b")];
      await step("every service answers, both replicas up", () => touchEveryService(admin, company.id));

      // ── 2. One replica of every service stops ──────────────────────────────────────────────────
      await step("stop one replica of every service", () =>
        Promise.all(SERVICES.map((service) => stopReplica(replicaOf(service, 0)))),
      );
      phase = "one replica of each stopped";
      for (let i = 0; i < RESET_BUDGET / 2; i++) {
        const answer = await requestReset();
        for (const index of servedBy("auth", answer.requestId)) {
          resetServers.add(index);
        }
      }
      await call(
        "workflow.definitions.create",
        { key: "purchase.requisition", name: "Purchase requisition", slaHours: 24 },
        { token: admin },
      );
      const started = await step("the engineer raises a requisition", () =>
        call(
          "workflow.processes.start",
          {
            definitionKey: "purchase.requisition",
            subject: "Cement for Site A: 400 bags",
            amount: "250000.00",
            departmentId: department.id,
            data: { vendor: "Bashundhara Cement Ltd" },
          },
          { token: engineer },
        ),
      );
      const processId = (started.data as { process: { id: string } }).process.id;
      await call("masterData.parties.create", party(2), { token: admin });
      await step("every service answers, one replica of each down", () =>
        touchEveryService(admin, company.id),
      );

      // ── 3. …and starts again on the same address ──────────────────────────────────────────────
      await step("start the stopped replicas again", async () => {
        const again = await Promise.all(SERVICES.map((service) => bootService(service, 0)));
        for (const replica of again) {
          replicas.splice(replicas.indexOf(replicaOf(replica.service, 0)), 1, replica);
        }
      });
      phase = "both replicas up again";
      await step("the gateway sees both replicas of every service ready", () =>
        eventually(
          "every replica's /health/ready answering 200",
          async () => {
            const statuses = await Promise.all(
              replicas.map(async (r) => (await fetch(`${r.url}/health/ready`)).status),
            );
            return statuses.every((s) => s === 200) ? true : undefined;
          },
          60_000,
        ),
      );
      await Bun.sleep(2 * PROBE_MS); // a probe round of the gateway's pool and the addresses

      const task = await step("the approver's task is in the inbox", () =>
        eventually(
          "the task of the requisition in the managing director's inbox",
          async () => {
            const inbox = (await query("workflow.tasks.inbox", {}, admin)).data as {
              id: string;
              processId: string;
              version: number;
            }[];
            return inbox.find((t) => t.processId === processId);
          },
          30_000,
        ),
      );
      const approvalTrace = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("hex");
      const callerSpan = Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString("hex");
      const approved = await step("the managing director approves", () =>
        call(
          "workflow.tasks.approve",
          { taskId: task.id, expectedVersion: task.version },
          { token: admin, traceparent: `00-${approvalTrace}-${callerSpan}-01` },
        ),
      );
      expect((approved.data as { process: { status: string } }).process.status).toBe("approved");
      await call("masterData.parties.create", party(3), { token: admin });
      await step("every service answers, both replicas up again", () => touchEveryService(admin, company.id));

      // A cache that must converge: the tenant's SLA, changed once, is what both workflow replicas use.
      const setting = await call(
        "config.set",
        { key: "workflow.sla.hours", scope: { level: "tenant" }, value: 12, expectedVersion: 0 },
        { token: admin },
      );
      expect(setting.status).toBe(200);
      const after = await step("both workflow replicas use the new SLA", async () => {
        const seen: { sla: number | undefined; servedBy: number[] }[] = [];
        await eventually(
          "definitions made on both workflow replicas with the new SLA (12 h)",
          async () => {
            const made = await slaOf(`probe.after_${seen.length}`);
            seen.push({ sla: made.sla, servedBy: made.servedBy });
            const fresh = seen.slice(-4);
            const both = new Set(fresh.filter((s) => s.sla === 12).flatMap((s) => s.servedBy));
            return fresh.length === 4 && fresh.every((s) => s.sla === 12) && both.size === 2
              ? fresh
              : undefined;
          },
          30_000,
        ).catch((error: unknown) => {
          throw new Error(
            `${String(error)}; the last of ${seen.length} (SLA, replica): ${JSON.stringify(seen.slice(-6))}`,
          );
        });
        return seen;
      });
      expect(before.map((b) => b.sla)).toEqual([48, 48]);
      expect(new Set(before.flatMap((b) => b.servedBy))).toEqual(new Set([0, 1]));
      expect(after.at(-1)?.sla).toBe(12);

      // Another: a rule added to the tenant's tax.vat set is applied by both rules-engine replicas,
      // each of which had the set cached (its built-in packs, installed when the tenant was created).
      await step("the tenant's rule packs are installed", () =>
        eventually(
          "tax.vat among the tenant's rule sets",
          async () => {
            const sets = (await query("rules.ruleSets.list", {}, admin)).data as { key: string }[];
            return sets.some((set) => set.key === "tax.vat") ? true : undefined;
          },
          60_000,
        ),
      );
      const probeFlag = async () => {
        const evaluated = await call(
          "rules.evaluate",
          { ruleSet: "tax.vat", facts: { value: "10000.00" } },
          { token: admin },
        );
        const actions = (evaluated.data as { actions: { kind: string; flag?: string }[] }).actions;
        return {
          flagged: actions.some((a) => a.kind === "flag" && a.flag === "replica_probe"),
          servedBy: servedBy("rules", evaluated.requestId),
        };
      };
      const rulesBefore = [await probeFlag(), await probeFlag()];
      await call(
        "rules.rules.create",
        {
          ruleSet: "tax.vat",
          key: "replica-probe",
          name: "Replica probe",
          priority: 1,
          status: "active",
          effectiveFrom: "2025-07-01",
          reference: { authority: "internal", section: "replicas suite" },
          when: { all: [] },
          actions: [{ kind: "flag", flag: "replica_probe" }],
        },
        { token: admin },
      );
      await step("both rules-engine replicas apply the new rule", async () => {
        const seen: { flagged: boolean; servedBy: number[] }[] = [];
        await eventually(
          "evaluations on both rules-engine replicas raising the new rule's flag",
          async () => {
            seen.push(await probeFlag());
            const fresh = seen.slice(-4);
            const both = new Set(fresh.flatMap((s) => s.servedBy));
            return fresh.length === 4 && fresh.every((s) => s.flagged) && both.size === 2 ? true : undefined;
          },
          30_000,
        ).catch((error: unknown) => {
          throw new Error(
            `${String(error)}; the last of ${seen.length} (flagged, replica): ${JSON.stringify(seen.slice(-6))}`,
          );
        });
      });
      expect(rulesBefore.map((r) => r.flagged)).toEqual([false, false]);
      expect(new Set(rulesBefore.flatMap((r) => r.servedBy))).toEqual(new Set([0, 1]));

      // A limit that must hold for the whole system: the address's reset budget, spent on both replicas
      // and across the restart, refuses it on either replica now.
      const refusedBy = new Set<number>();
      for (let i = 0; i < 4; i++) {
        const refused = await requestReset(429);
        for (const index of servedBy("auth", refused.requestId)) {
          refusedBy.add(index);
        }
      }
      expect([...resetServers].sort()).toEqual([0, 1]);
      expect([...refusedBy].sort()).toEqual([0, 1]);

      // ── 3b. The JWKS caches and the tenant-status caches converge ───────────────────────────────
      // No platform operator can sign in: platform permissions are only in tokens auth signs for a
      // trusted service. The test asks auth for one on its service-token route (SERVICE_TOKEN_SECRET,
      // what the scheduler does) and then calls the platform procedures through the gateway, as an
      // operator's tool holding such a token would.
      const operatorToken = async (permissions: string[]) => {
        const res = await fetch(`${addresses.auth.url}/service-tokens`, {
          method: "POST",
          headers: { authorization: `Bearer ${SERVICE_TOKEN_SECRET}`, "content-type": "application/json" },
          body: JSON.stringify({ tenantId, userId: adminUserId, permissions, service: "scheduler" }),
        });
        expect(res.status).toBe(200);
        return ((await res.json()) as { token: string }).token;
      };
      const kidOf = (token: string) =>
        (JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()) as { kid?: string }).kid;
      /** A request straight to one replica (not through the gateway or the service's address). */
      const direct = async (replica: Replica, procedure: string, token: string) => {
        const requestId = `allrep-direct-${Bun.randomUUIDv7()}`;
        const input = encodeURIComponent(JSON.stringify({ json: {} }));
        const res = await fetch(`${replica.url}/trpc/${procedure}?input=${input}`, {
          headers: { authorization: `Bearer ${token}`, "x-request-id": requestId },
        });
        return { status: res.status, text: await res.text() };
      };
      const probes: [Service, string][] = [
        ["organization", "companies.list"],
        ["workflow", "definitions.list"],
        ["masterData", "parties.list"],
      ];

      // JWKS: auth's key is rotated; once auth signs with the new key, a fresh token is accepted by both
      // replicas of three other services, each of which verifies it against its own cached key set.
      const oldKid = kidOf(admin);
      const rotated = await call("auth.signingKeys.rotate", undefined, {
        token: await operatorToken(["platform:signing_key:rotate"]),
      });
      const rotation = rotated.data as { kid: string; previousKid: string | null };
      expect(rotation.previousKid).toBe(oldKid ?? null);
      expect(rotation.kid).not.toBe(oldKid);
      const rotatedAt = performance.now();
      // Every auth replica publishes the new key before any signs with it, and early enough that a
      // service refetching its key set (at most once per 5 s cooldown) on the new key's first token
      // finds it on whichever replica answers: within ACTIVATION_SECONDS (10 s) − the cooldown.
      await step("both auth replicas publish the new key", () =>
        eventually(
          "the new kid in the JWKS of auth#0 and auth#1",
          async () => {
            const sets = await Promise.all(
              ([0, 1] as const).map(async (index) => {
                const res = await fetch(`${replicaOf("auth", index).url}/.well-known/jwks.json`);
                return ((await res.json()) as { keys: { kid?: string }[] }).keys.map((k) => k.kid);
              }),
            );
            return sets.every((kids) => kids.includes(rotation.kid)) ? true : undefined;
          },
          5_000,
        ),
      );
      const fresh = await step("auth signs with the new key", () =>
        eventually(
          "a sign-in whose token names the new key",
          async () => {
            await Bun.sleep(1_000);
            const token = await login(adminEmail, adminPassword);
            return kidOf(token) === rotation.kid ? token : undefined;
          },
          60_000,
        ),
      );
      timings.push(`  the new key signed ${Math.round(performance.now() - rotatedAt)} ms after the rotation`);
      const acceptedNewKey: string[] = [];
      for (const [service, procedure] of probes) {
        for (const index of [0, 1] as const) {
          const answer = await direct(replicaOf(service, index), procedure, fresh);
          acceptedNewKey.push(
            `${service}#${index}: ${answer.status}${answer.status === 200 ? "" : ` ${answer.text.slice(0, 200)}`}`,
          );
        }
      }
      expect(acceptedNewKey).toEqual(
        probes.flatMap(([service]) => [`${service}#0: 200`, `${service}#1: 200`]),
      );

      // Tenant status: organization refuses a suspended tenant's calls (FORBIDDEN, 403,
      // organization.tenant.suspended), each replica from a cache that lives 2 s (TenantStatusCache's
      // TTL). No other service checks the status itself: auth mirrors it from organization's event
      // (Kafka) and refuses the tenant's sessions on its own calls (401, auth.session.ended); the other
      // services accept a suspended tenant's unexpired tokens. Checked: both replicas of each.
      const STATUS_TTL_MS = 2_000;
      const statusesOf = async (service: Service, procedure: string) =>
        Promise.all(([0, 1] as const).map((index) => direct(replicaOf(service, index), procedure, fresh)));
      const bothAnswer = (
        what: string,
        service: Service,
        procedure: string,
        status: number,
        code: string | undefined,
        timeoutMs: number,
      ) =>
        step(what, async () => {
          let last: { status: number; text: string }[] = [];
          await eventually(
            what,
            async () => {
              last = await statusesOf(service, procedure);
              return last.every(
                (a) => a.status === status && (code === undefined || a.text.includes(`"appCode":"${code}"`)),
              )
                ? true
                : undefined;
            },
            timeoutMs,
          ).catch((error: unknown) => {
            throw new Error(`${String(error)}; last answers: ${JSON.stringify(last).slice(0, 600)}`);
          });
          timings.push(`  (load ${loadAverage()})`);
        });
      for (const [service, procedure] of [...probes, ["auth", "users.list"] as [Service, string]]) {
        const open = await statusesOf(service, procedure);
        expect(open.map((a) => `${service}: ${a.status}`)).toEqual([`${service}: 200`, `${service}: 200`]);
      }
      await call(
        "organization.tenants.suspend",
        { tenantId },
        { token: await operatorToken(["platform:tenant:manage"]) },
      );
      // Within the TTL plus a margin for a loaded machine (each probe round is two requests).
      await bothAnswer(
        "both organization replicas refuse the suspended tenant",
        "organization",
        "companies.list",
        403,
        "organization.tenant.suspended",
        STATUS_TTL_MS + 8_000,
      );
      // Auth learns it from the event (outbox relay, Kafka, its consumer): bounded by that pipeline.
      await bothAnswer(
        "both auth replicas end the suspended tenant's session",
        "auth",
        "users.list",
        401,
        "auth.session.ended",
        60_000,
      );
      await call(
        "organization.tenants.activate",
        { tenantId },
        { token: await operatorToken(["platform:tenant:manage"]) },
      );
      await bothAnswer(
        "both organization replicas accept the reactivated tenant",
        "organization",
        "companies.list",
        200,
        undefined,
        STATUS_TTL_MS + 8_000,
      );
      await bothAnswer(
        "both auth replicas accept the reactivated tenant's session",
        "auth",
        "users.list",
        200,
        undefined,
        60_000,
      );

      // ── 4. Events: each once in Kafka, each of the tenant's once in audit, the chain verifies ──
      const outboxIds = await step("every outbox published", () =>
        eventually("no unsent outbox row in any service's database", () => publishedOutboxIds(), 90_000),
      );
      const auditor = admin;
      const audited = await step("audit holds every event of the tenant", () =>
        eventually(
          "audit entries for every event of the tenant in the outboxes",
          async () => {
            const entries = await auditEntries(query, auditor);
            const wanted = outboxIds.filter((e) => e.tenantId === tenantId).map((e) => e.id);
            const have = new Set(entries.map((e) => e.eventId));
            return wanted.every((id) => have.has(id)) ? entries : undefined;
          },
          120_000,
        ),
      );
      // The approval is one trace: the caller's span → the gateway → a workflow replica → its event →
      // audit's consumer span for that event (on whichever audit replica held the partition).
      const approvedEvent = audited.find((e) => e.type === "vextrus.workflow.task.approved");
      const traced = tracing.spans().filter((span) => span.spanContext().traceId === approvalTrace);
      const producer = traced.find(
        (span) => span.kind === 3 && span.attributes["messaging.message.id"] === approvedEvent?.eventId,
      );
      const consumer = await step("audit's span of the approval is in the approval's trace", () =>
        eventually(
          "audit's consumer span of the task.approved event",
          async () =>
            tracing
              .spans()
              .find(
                (span) =>
                  span.kind === 4 &&
                  span.attributes["vextrus.service"] === "audit" &&
                  span.attributes["messaging.message.id"] === approvedEvent?.eventId,
              ),
          30_000,
        ),
      );
      expect(
        traced.find((span) => span.attributes["vextrus.service"] === "gateway" && span.kind === 1)
          ?.parentSpanContext?.spanId,
      ).toBe(callerSpan);
      expect(producer?.attributes["vextrus.service"]).toBe("workflow");
      expect(consumer.spanContext().traceId).toBe(approvalTrace);
      expect(consumer.parentSpanContext?.spanId).toBe(producer?.spanContext().spanId);
      const auditedIds = audited.map((e) => e.eventId);
      expect(new Set(auditedIds).size).toBe(auditedIds.length);
      const tenantEvents = outboxIds.filter((e) => e.tenantId === tenantId).map((e) => e.id);
      expect(auditedIds.toSorted()).toEqual(tenantEvents.toSorted());
      expect(audited.map((e) => e.type)).toContain("vextrus.workflow.task.approved");
      const verified = await query("audit.verify", {}, auditor);
      expect((verified.data as { ok: boolean }).ok).toBe(true);

      const published = await step("read every topic", () =>
        readAll((seen) => outboxIds.every((e) => seen.has(e.id))),
      );
      const twice = [...published.counts].filter(([, n]) => n > 1);
      expect(twice).toEqual([]);
      const missing = outboxIds.filter((e) => !published.counts.has(e.id));
      expect(missing).toEqual([]);
      expect(published.deadLettered).toEqual([]);

      // ── 5. Consumers: each service's group has both replicas, each with partitions ─────────────
      const groups = await step("both replicas of each consumer group hold partitions", () =>
        eventually(
          "every service group stable with two members, each assigned partitions",
          () => sharedGroups(),
          90_000,
        ),
      );
      expect(groups.length).toBeGreaterThanOrEqual(4);

      // The restarted replicas took requests again, and no replica answered anyone (the gateway, the
      // test, or another service) with a server error.
      const idle = SERVICES.filter(
        (service) => !replicaOf(service, 0).lines.some((line) => line.includes('"requestId":"allrep-')),
      );
      expect(idle).toEqual([]);
      const serverErrors = everyReplica.flatMap((r) =>
        r.lines
          .filter((line) => line.includes('"msg":"request"') && /"status":5\d\d/.test(line))
          .map((line) => `${r.service}#${r.index}: ${line.slice(0, 300)}`),
      );
      expect(serverErrors).toEqual([]);
      expect(unexpected).toEqual([]);
      timings.push(
        `checked: ${outboxIds.length} events in the outboxes (${tenantEvents.length} of the tenant), each once in Kafka; ` +
          `${auditedIds.length} audit entries; consumer groups with two members each: ${groups.map((g) => g.slice(prefix.length)).join(", ")}`,
      );
    } finally {
      app.stop();
      await gateway.stop();
    }
  }, 900_000);
});

/** Every outbox row of every service's database, once none is unsent. */
async function publishedOutboxIds(): Promise<{ id: string; tenantId: string }[] | undefined> {
  const rows: { id: string; tenantId: string; sent: boolean }[] = [];
  for (const db of Object.values(dbs)) {
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const tables = await sql<{ schema: string }[]>`
        select table_schema as schema from information_schema.tables
        where table_name = 'outbox' and table_type = 'BASE TABLE'`;
      for (const { schema } of tables) {
        const found = await sql<{ id: string; tenant_id: string; sent: boolean }[]>`
          select event->>'id' as id, tenant_id, sent_at is not null as sent from ${sql(schema)}.outbox`;
        rows.push(...found.map((r) => ({ id: r.id, tenantId: r.tenant_id, sent: r.sent })));
      }
    } finally {
      await sql.end();
    }
  }
  return rows.every((r) => r.sent) ? rows.map(({ id, tenantId }) => ({ id, tenantId })) : undefined;
}

/** Every audit entry of the caller's tenant, page by page. */
async function auditEntries(
  query: (path: string, input: unknown, token: string) => Promise<Answer>,
  token: string,
): Promise<{ eventId: string; type: string }[]> {
  const entries: { eventId: string; type: string }[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const listed = (await query("audit.events.list", { limit: 100, ...(cursor ? { cursor } : {}) }, token))
      .data as { items: { eventId: string; type: string }[]; nextCursor?: string | null };
    entries.push(...listed.items);
    if (!listed.nextCursor) {
      return entries;
    }
    cursor = listed.nextCursor;
  }
  throw new Error("more than 50 pages of audit entries");
}

/** Every message of every topic of the run, counted by event id (the DLQs listed apart). */
async function readAll(enough: (seen: Map<string, number>) => boolean, timeoutMs = 90_000) {
  const reader = kafkaTransport({
    brokers: kafkaBrokers(),
    clientId: "allrep-reader",
    log: quiet,
    topicPrefix: prefix,
  });
  const counts = new Map<string, number>();
  const deadLettered: string[] = [];
  const done = Promise.withResolvers<void>();
  const topics = topicNames.map((name) => name.slice(prefix.length));
  const subscription = await reader.subscribe({
    group: `allrep-reader-${Bun.randomUUIDv7()}`,
    topics,
    onBatch: async (messages: DeliveredMessage[]) => {
      for (const message of messages) {
        if (message.topic.endsWith(".dlq")) {
          deadLettered.push(`${message.topic}: ${message.value?.slice(0, 300)}`);
          continue;
        }
        const id = (JSON.parse(message.value ?? "{}") as { id?: string }).id ?? "";
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      if (enough(counts)) {
        done.resolve();
      }
    },
  });
  const timer = setTimeout(
    () =>
      done.reject(
        new Error(`not every outbox event read from Kafka in ${timeoutMs} ms (read ${counts.size})`),
      ),
    timeoutMs,
  );
  try {
    await done.promise;
    await Bun.sleep(2_000); // anything published twice would arrive meanwhile
  } finally {
    clearTimeout(timer);
    await subscription.stop();
    await reader.close();
  }
  return { counts, deadLettered };
}

/**
 * The run's service consumer groups (`<prefix>vextrus.<service>`, not the per-replica cache groups),
 * once each is stable with two members that both hold partitions; undefined until then.
 */
async function sharedGroups(): Promise<string[] | undefined> {
  return withKafkaAdmin(kafkaBrokers(), async (admin) => {
    const listed = await admin.listGroups();
    const names = listed.groups
      .map((g) => g.groupId)
      .filter((id) => id.startsWith(prefix) && /^vextrus\.[a-z-]+$/.test(id.slice(prefix.length)));
    const described = await admin.describeGroups(names);
    const ok = described.groups.every(
      (g) =>
        g.state === "Stable" &&
        g.members.length === 2 &&
        g.members.every((m) => {
          const assignment = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
          return Object.values(assignment?.assignment ?? {}).some((partitions) => partitions.length > 0);
        }),
    );
    return ok && names.length > 0 ? names : undefined;
  });
}
