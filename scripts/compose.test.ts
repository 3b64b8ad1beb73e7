// compose.yaml must keep up with services/: one entry per service folder, wired like production.
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ROUTE_NAMES } from "./route-names.ts";
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
const REQUIRED_ENV = ["PORT", "DATABASE_URL", "MIGRATION_DATABASE_URL", "KAFKA_BROKERS", "JWKS_URL"];

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function child(node: unknown, key: string): Node {
  const value = isNode(node) ? node[key] : undefined;
  return isNode(value) ? value : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : typeof value === "string" ? [value] : [];
}

/** Compose allows `environment` as a map or as a list of KEY=value. */
function envKeys(service: Node): string[] {
  const env = service.environment;
  return Array.isArray(env)
    ? env.map((entry) => String(entry).split("=")[0] ?? "")
    : Object.keys(child(service, "environment"));
}

const compose: unknown = Bun.YAML.parse(await Bun.file(join(repoRoot, "compose.yaml")).text());
const services = child(compose, "services");
const serviceFolders = readdirSync(join(repoRoot, "services"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

test("services/ has at least one service folder", () => {
  expect(serviceFolders.length).toBeGreaterThan(0);
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

  test("publishes its port on the host's loopback only (the gateway: on every interface) and sets PORT to it", () => {
    const host = name === "gateway" ? "" : "127.0.0.1:";
    expect(strings(service.ports)).toEqual([`${host}${port}:${port}`]);
    expect(String(child(service, "environment").PORT)).toBe(String(port));
  });

  test("believes X-Forwarded-For only from the gateway's fixed address (the gateway: from nobody)", () => {
    const gateway = child(services, "gateway");
    const gatewayAddress = child(child(gateway, "networks"), "default").ipv4_address;
    expect(gatewayAddress).toBeString();
    const trusted = String(child(service, "environment").TRUSTED_PROXIES);
    expect(trusted).toBe(name === "gateway" ? "" : String(gatewayAddress));
  });

  test("gets PORT, DATABASE_URL, MIGRATION_DATABASE_URL, KAFKA_BROKERS and JWKS_URL", () => {
    expect(envKeys(service)).toEqual(expect.arrayContaining(REQUIRED_ENV));
  });

  test("waits for healthy PostgreSQL and Kafka", () => {
    const dependsOn = child(service, "depends_on");
    expect(child(dependsOn, "postgres").condition).toBe("service_healthy");
    expect(child(dependsOn, "kafka").condition).toBe("service_healthy");
  });

  test("has a healthcheck on its own /health/ready", () => {
    const check = strings(child(service, "healthcheck").test).join(" ");
    expect(check).toContain("/health/ready");
    const ownPort = check.includes(`:${port}/health/ready`) || check.includes("process.env.PORT");
    expect(ownPort).toBe(true);
  });
});

/** How callers name a service at the gateway (`rules.evaluate`), when it differs from its folder. */

test("the gateway routes every service under the name callers use, to that service's own port", () => {
  const table = String(child(child(services, "gateway"), "environment").SERVICE_URLS ?? "");
  const routes = Object.fromEntries(table.split(",").map((entry) => entry.split("=", 2)));
  const expected = Object.fromEntries(
    serviceFolders
      .filter((name) => name !== "gateway")
      .map((name) => [ROUTE_NAMES[name] ?? name, `http://${name}:${PORTS[name]}`]),
  );
  expect(routes).toEqual(expected);
});

test("PostgreSQL and Kafka have healthchecks", () => {
  for (const name of ["postgres", "kafka"]) {
    expect(strings(child(child(services, name), "healthcheck").test).length).toBeGreaterThan(0);
  }
});

test("the Kafka image has the same major version as the tests' broker", () => {
  const image = String(child(services, "kafka").image);
  expect(image).toStartWith("apache/kafka:");
  const major = (version: string): string => version.split(".")[0] ?? "";
  expect(major(image.slice("apache/kafka:".length))).toBe(major(KAFKA_VERSION));
});
