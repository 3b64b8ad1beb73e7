// compose.yaml must keep up with services/ and the code: one entry per service folder, valid against the
// Compose Specification's JSON Schema, each service's environment accepted by its own env.ts, the gateway
// routing by the client's router keys, secrets as compose secrets, and no internal port published.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Validator } from "@cfworker/json-schema";
import type { VextrusServices } from "@vextrus/client";
import { readEnv } from "@vextrus/platform";
import type { z } from "zod";
import {
  child,
  compose,
  initSecrets,
  isNode,
  secretsAt,
  serviceEnvironment,
  serviceSecrets,
  strings,
} from "./compose.ts";
import { dockerignore } from "./dockerfile.ts";
import { routesOf } from "./route-names.ts";
import { KAFKA_VERSION } from "./test-infra/kafka.ts";
import { repoRoot } from "./test-infra/process.ts";

/** The planned port of each service (ARCHITECTURE.md). */
const PORTS: Record<string, number> = {
  gateway: 3000,
  auth: 3001,
  organization: 3002,
  "master-data": 3003,
  workflow: 3004,
  "rules-engine": 3005,
  audit: 3006,
  notification: 3007,
  "file-storage": 3008,
  "document-generator": 3009,
  scheduler: 3010,
  configuration: 3011,
  "import-export": 3012,
};
/** What a container may publish on the host: the front door, Grafana, and S3 for presigned URLs. */
const PUBLISHED: Record<string, string[]> = {
  gateway: ["3000:3000"],
  grafana: ["3300:3000"],
  s3: ["9000:80"],
};
const REQUIRED_ENV = ["PORT", "DATABASE_URL_FILE", "KAFKA_BROKERS", "JWKS_URL"];

/**
 * The client's router keys, checked by the compiler: a key missing from VextrusServices, or one
 * VextrusServices has that is missing here, fails `tsc`.
 */
const CLIENT_ROUTER_KEYS: Record<keyof VextrusServices, true> = {
  auth: true,
  organization: true,
  rules: true,
  workflow: true,
  audit: true,
  masterData: true,
  notification: true,
  webhooks: true,
  files: true,
  documents: true,
  config: true,
  scheduler: true,
  imports: true,
  exports: true,
};

const GO_DURATION = /^[-+]?(\d+(\.\d*)?(ns|us|µs|ms|s|m|h))+$/;

/** Compose allows `environment` as a map or as a list of KEY=value. */
function envKeys(service: Record<string, unknown>): string[] {
  const env = service.environment;
  return Array.isArray(env)
    ? env.map((entry) => String(entry).split("=")[0] ?? "")
    : Object.keys(child(service, "environment"));
}

const services = child(compose, "services");
const serviceFolders = readdirSync(join(repoRoot, "services"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

let secretsDir = "";
beforeAll(async () => {
  secretsDir = mkdtempSync(join(tmpdir(), "vx-compose-secrets-"));
  await initSecrets(secretsDir);
});
afterAll(() => {
  rmSync(secretsDir, { recursive: true, force: true });
});

test("services/ has at least one service folder", () => {
  expect(serviceFolders.length).toBeGreaterThan(0);
});

test("compose.yaml is valid against the Compose Specification's JSON Schema (ops/compose/compose-spec.json)", async () => {
  // Compose checks its custom "duration" format with Go's time.ParseDuration ("10s", "1m30s"), not as
  // JSON Schema's ISO 8601 durations: the same check, as a pattern.
  const text = await Bun.file(join(repoRoot, "ops/compose/compose-spec.json")).text();
  const schema = JSON.parse(
    text.replaceAll('"format": "duration"', `"pattern": ${JSON.stringify(GO_DURATION.source)}`),
  );
  const validator = new Validator(schema, "2019-09", false);
  const result = validator.validate(compose);
  const errors = result.errors.map((e) => `${e.instanceLocation}: ${e.error}`);
  expect(errors).toEqual([]);
  // The schema is not a rubber stamp: a misspelt key and a bad condition are refused.
  const broken = structuredClone(compose);
  const gateway = child(child(broken, "services"), "gateway");
  gateway.enviroment = {};
  child(child(gateway, "depends_on"), "postgres").condition = "service_ready";
  expect(validator.validate(broken).valid).toBe(false);
});

describe.each(serviceFolders)("compose service %s", (name) => {
  const service = child(services, name);
  const port = PORTS[name];

  test("is a planned service with a port", () => {
    expect(port).toBeNumber();
  });

  test("exists and is built from the Dockerfile with SERVICE set", () => {
    expect(Object.keys(service)).not.toHaveLength(0);
    expect(child(child(service, "build"), "args").SERVICE).toBe(name);
  });

  test("sets PORT to its planned port", () => {
    expect(String(child(service, "environment").PORT)).toBe(String(port));
  });

  test("believes X-Forwarded-For only from the gateway's fixed address (the gateway: from nobody)", () => {
    const gateway = child(services, "gateway");
    const gatewayAddress = child(child(gateway, "networks"), "default").ipv4_address;
    expect(gatewayAddress).toBeString();
    const trusted = String(child(service, "environment").TRUSTED_PROXIES);
    expect(trusted).toBe(name === "gateway" ? "" : String(gatewayAddress));
  });

  test("gets PORT, DATABASE_URL_FILE, KAFKA_BROKERS and JWKS_URL (the gateway has no database)", () => {
    const required =
      name === "gateway" ? REQUIRED_ENV.filter((key) => key !== "DATABASE_URL_FILE") : REQUIRED_ENV;
    expect(envKeys(service)).toEqual(expect.arrayContaining(required));
  });

  test("its environment, secrets mounted, is accepted by its own env.ts schema", async () => {
    const module: Record<string, unknown> = await import(join(repoRoot, "services", name, "src/env.ts"));
    const schemas = Object.entries(module).filter(
      ([key, value]) => key.endsWith("Env") && isNode(value) && typeof value.safeParse === "function",
    );
    expect(schemas).toHaveLength(1);
    const schema = schemas[0]?.[1] as z.ZodType;
    const env = secretsAt(serviceEnvironment(name, {}), secretsDir);
    for (const secret of Object.values(env).filter((value) => value.startsWith(secretsDir))) {
      // A secret file the service reads is one it mounts.
      expect(serviceSecrets(name)).toContain(secret.slice(secretsDir.length + 1));
    }
    expect(() => readEnv(schema, env)).not.toThrow();
  });

  test("waits for healthy PostgreSQL and Kafka, and for the one-shot migrate and topic steps", () => {
    const dependsOn = child(service, "depends_on");
    expect(child(dependsOn, "postgres").condition).toBe("service_healthy");
    expect(child(dependsOn, "kafka").condition).toBe("service_healthy");
    expect(child(dependsOn, "migrate").condition).toBe("service_completed_successfully");
    expect(child(dependsOn, "kafka-topics").condition).toBe("service_completed_successfully");
  });

  test("keeps the image's HEALTHCHECK (scripts/healthcheck.ts, /health/ready on its own PORT)", () => {
    expect(service.healthcheck).toBeUndefined();
  });
});

test("only the gateway, Grafana and the S3 stand-in publish ports on the host", () => {
  const published = Object.fromEntries(
    Object.entries(services)
      .filter(([, service]) => strings(child({ s: service }, "s").ports).length > 0)
      .map(([name, service]) => [name, strings(isNode(service) ? service.ports : undefined)]),
  );
  expect(published).toEqual(PUBLISHED);
  for (const [name, service] of Object.entries(services)) {
    expect({ name, expose: isNode(service) ? service.expose : undefined }).toEqual({
      name,
      expose: undefined,
    });
  }
});

test("the gateway routes by the client's router keys, each to that service's own port", () => {
  const table = String(child(child(services, "gateway"), "environment").SERVICE_URLS ?? "");
  const routes = Object.fromEntries(table.split(",").map((entry) => entry.split("=", 2)));
  const expected = Object.fromEntries(
    serviceFolders
      .filter((name) => name !== "gateway")
      .flatMap((name) => routesOf(name, `http://${name}:${PORTS[name]}`)),
  );
  expect(routes).toEqual(expected);
  expect(Object.keys(routes).sort()).toEqual(Object.keys(CLIENT_ROUTER_KEYS).sort());
});

test("no secret sits in an environment value: passwords, keys and the database URL are compose secrets", () => {
  const defined = Object.keys(child(compose, "secrets"));
  for (const [name, service] of Object.entries(services)) {
    const env = serviceEnvironment(name, {});
    for (const [key, value] of Object.entries(env)) {
      const secretish = /PASSWORD|SECRET|CREDENTIAL|PRIVATE|TOKEN/.test(key) && !/_FILE$/.test(key);
      expect({ service: name, key, secretish }).toEqual({ service: name, key, secretish: false });
      expect({ service: name, key, urlWithPassword: /:\/\/[^/@\s]+:[^/@\s]+@/.test(value) }).toEqual({
        service: name,
        key,
        urlWithPassword: false,
      });
    }
    for (const secret of serviceSecrets(name)) {
      expect({ service: name, secret, defined: defined.includes(secret) }).toEqual({
        service: name,
        secret,
        defined: true,
      });
    }
    expect(isNode(service)).toBe(true);
  }
});

test("ops/compose/init-secrets.sh writes every secret compose.yaml names, and they stay out of git and the image", async () => {
  const secrets = child(compose, "secrets");
  for (const [name, definition] of Object.entries(secrets)) {
    expect(child({ d: definition }, "d").file).toBe(`./.secrets/${name}`);
    expect(await Bun.file(join(secretsDir, name)).text()).toMatch(/^\S{16,}\n$/);
  }
  const url = (await Bun.file(join(secretsDir, "database_url")).text()).trim();
  const password = (await Bun.file(join(secretsDir, "owner_db_password")).text()).trim();
  expect(url).toBe(`postgres://vextrus_owner:${password}@postgres:5432/vextrus`);
  expect(dockerignore(repoRoot)(".secrets/database_url")).toBe(true);
  expect(await Bun.file(join(repoRoot, ".gitignore")).text()).toContain(".secrets/");
});

test("PostgreSQL and Kafka have healthchecks and volumes", () => {
  for (const name of ["postgres", "kafka"]) {
    expect(strings(child(child(services, name), "healthcheck").test).length).toBeGreaterThan(0);
    const volumes = strings(child(services, name).volumes).map((volume) => volume.split(":")[0] ?? "");
    expect(volumes.some((volume) => Object.keys(child(compose, "volumes")).includes(volume))).toBe(true);
  }
});

test("Prometheus and Grafana mount the repository's ops/ configuration", () => {
  const mounts = (name: string) => strings(child(services, name).volumes).join(" ");
  expect(mounts("prometheus")).toContain("./ops/prometheus:");
  expect(mounts("grafana")).toContain("./ops/grafana/provisioning:");
  expect(mounts("grafana")).toContain("./ops/grafana/dashboards:");
});

test("the Kafka image has the same major version as the tests' broker", () => {
  const image = String(child(services, "kafka").image);
  expect(image).toStartWith("apache/kafka:");
  const major = (version: string): string => version.split(".")[0] ?? "";
  expect(major(image.slice("apache/kafka:".length))).toBe(major(KAFKA_VERSION));
});
