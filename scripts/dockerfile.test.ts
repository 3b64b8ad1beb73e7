/**
 * The Dockerfile builds and its image runs, proved without a Docker engine: scripts/dockerfile.ts replays
 * each COPY on the files it selects and each RUN (the real `bun install --frozen-lockfile --production`)
 * in a temp folder; then compose's one-shot steps and every service run from that folder, with compose's
 * environment pointed at the test PostgreSQL, Kafka, S3 and SMTP, as an unprivileged user, until the
 * image's own HEALTHCHECK passes.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "@vextrus/platform/testing";
import type { Subprocess } from "bun";
import { child, compose, isNode, secretsAt, serviceEnvironment, strings } from "./compose.ts";
import { buildWithoutEngine, installInputs, type StageResult } from "./dockerfile.ts";
import { freePort, isRoot, repoRoot, sleep } from "./test-infra/process.ts";

const isInstall = (instruction: { keyword: string; args: string }) =>
  instruction.keyword === "RUN" && /\bbun install\b/.test(instruction.args);

/** The files the stage running `bun install` has in its WORKDIR just before it runs. */
async function installStepFiles(dockerfile: string): Promise<{ missing: string[] }> {
  const out = mkdtempSync(join(tmpdir(), "vx-dockerfile-"));
  try {
    const stages = await buildWithoutEngine({ dockerfile, context: repoRoot, out, stopBefore: isInstall });
    const stage = stages.at(-1);
    const app = stage ? join(stage.root, stage.workdir) : out;
    return { missing: installInputs(repoRoot).filter((file) => !existsSync(join(app, file))) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

describe("the install step of the Dockerfile", () => {
  test("gets every file `bun install` reads: manifests, lockfile, bunfig, .npmrc and the patches", async () => {
    const inputs = installInputs(repoRoot);
    expect(inputs).toContain("scripts/patches/kafkajs@2.2.4.patch");
    expect(inputs).toContain("services/gateway/package.json");
    expect(await installStepFiles(join(repoRoot, "Dockerfile"))).toEqual({ missing: [] });
  });

  test("a Dockerfile whose first stage keeps only manifests (issue #20) is caught: the patches are missing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vx-dockerfile-bug-"));
    const buggy = join(dir, "Dockerfile");
    writeFileSync(
      buggy,
      [
        "FROM oven/bun:1.4.5 AS manifests",
        "WORKDIR /app",
        "COPY . .",
        "RUN find . -type f ! -name package.json ! -name bun.lock ! -name bunfig.toml ! -name .npmrc -delete",
        "FROM oven/bun:1.4.5 AS deps",
        "WORKDIR /app",
        "COPY --from=manifests /app ./",
        "RUN bun install --frozen-lockfile --production --ignore-scripts",
      ].join("\n"),
    );
    try {
      const { missing } = await installStepFiles(buggy);
      expect(missing).toEqual(expect.arrayContaining(["scripts/patches/kafkajs@2.2.4.patch"]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const composeServices = child(compose, "services");
/** Compose services built from the Dockerfile: name → build args. */
const built = Object.entries(composeServices).flatMap(([name, service]) => {
  const build = child(service, "build");
  return Object.keys(build).length > 0 ? [{ name, service: service as Record<string, unknown>, build }] : [];
});
const oneShot = built.filter(({ service }) => String(service.restart) === "no");
const longRunning = built.filter(({ service }) => String(service.restart) !== "no");

describe("the image, built by replaying the Dockerfile", () => {
  let out = "";
  let imageBun = "";
  let image: StageResult;
  let app = "";
  let db: TestDatabase;
  /** A loopback port for every compose service built from the Dockerfile (stands for its compose host name). */
  const ports: Record<string, number> = Object.fromEntries(built.map(({ name }) => [name, freePort(0, [0])]));
  const secret = `${Bun.randomUUIDv7()}${Bun.randomUUIDv7()}`;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), "vx-image-"));
    const stages = await buildWithoutEngine({
      dockerfile: join(repoRoot, "Dockerfile"),
      context: repoRoot,
      out,
    });
    const last = stages.at(-1);
    if (!last) {
      throw new Error("the Dockerfile has no stage");
    }
    image = last;
    app = join(image.root, image.workdir);
    // An unprivileged user must be able to read (only read) the image's files, as the image's `bun` user does.
    for (const dir of [out, image.root]) {
      chmodSync(dir, 0o755);
    }
    // The image has its own bun; ours lives in the checkout, which another user may not be allowed to
    // enter (a clone under /root or a 0700 temp folder), so the image user runs a copy.
    imageBun = join(out, "bun");
    copyFileSync(process.execPath, imageBun);
    chmodSync(imageBun, 0o755);
    db = await createTestDatabase("image");
    writeSecrets();
  }, 300_000);

  afterAll(async () => {
    await db?.drop();
    if (out) {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test("runs as an unprivileged user, has a HEALTHCHECK and a CMD", () => {
    expect(["", "root", "0"]).not.toContain(image.user.split(":")[0]);
    expect(image.healthcheck.length).toBeGreaterThan(0);
    expect(image.cmd.join(" ")).toContain(["services/", "{SERVICE}/src/main.ts"].join("$"));
  });

  test("holds production dependencies only (no devDependencies, no peer-only tools)", () => {
    const rootManifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
    const scripts = JSON.parse(readFileSync(join(repoRoot, "scripts/package.json"), "utf8"));
    const devOnly = [
      ...Object.keys(rootManifest.devDependencies ?? {}),
      "testcontainers",
      "fast-check",
      "@testcontainers/kafka",
    ];
    expect(Object.keys(scripts.devDependencies)).toEqual(
      expect.arrayContaining(["testcontainers", "fast-check"]),
    );
    const present = devOnly.filter((name) => existsSync(join(app, "node_modules", name)));
    expect(present).toEqual([]);
    // …and no test folders (.dockerignore).
    expect(existsSync(join(app, "services/gateway/test"))).toBe(false);
    expect(existsSync(join(app, "services/gateway/src/main.ts"))).toBe(true);
  });

  /** Compose's environment of a service, pointed at this test's servers, its secrets at `secrets`. */
  function environment(name: string): Record<string, string> {
    const env = secretsAt(serviceEnvironment(name, {}), join(out, "secrets"));
    const mapped: Record<string, string> = {};
    for (const [key, value] of Object.entries(env)) {
      mapped[key] = value
        .replace(/\bkafka:9092\b/g, process.env.KAFKA_BROKERS ?? "")
        .replace(/^http:\/\/s3:\d+$/, process.env.TEST_S3_ENDPOINT ?? "")
        .replace(/^smtp:\/\/mail:\d+$/, process.env.TEST_SMTP_URL ?? "")
        .replace(/^http:\/\/([a-z-]+):\d+/, (whole, host: string) =>
          ports[host] ? `http://127.0.0.1:${ports[host]}` : whole,
        )
        .replace(/([=,])http:\/\/([a-z-]+):\d+/g, (whole, before: string, host: string) =>
          ports[host] ? `${before}http://127.0.0.1:${ports[host]}` : whole,
        );
    }
    if ("S3_ACCESS_KEY_ID" in mapped) {
      mapped.S3_ACCESS_KEY_ID = process.env.TEST_S3_ACCESS_KEY ?? "";
    }
    return { ...mapped, HOST: "127.0.0.1" };
  }

  /** The compose secrets, with this test's values (the database, S3 server and random keys). */
  function writeSecrets(): void {
    const dir = join(out, "secrets");
    mkdirSync(dir, { mode: 0o755 });
    const values: Record<string, string> = {
      database_url: db.url,
      s3_secret_key: process.env.TEST_S3_SECRET_KEY ?? "",
      signing_key_secret: secret,
      service_token_secret: secret,
    };
    for (const [name, value] of Object.entries(values)) {
      writeFileSync(join(dir, name), `${value}\n`, { mode: 0o644 });
    }
  }

  /** argv as the image's `bun` user would run it: unprivileged (nobody) when the tests run as root. */
  function asImageUser(argv: string[]): string[] {
    const bun = isRoot() ? imageBun : process.execPath;
    const resolved = argv.map((word) => (word === "bun" ? bun : word));
    const shell =
      resolved[0] === "sh" ? ["sh", resolved[1] ?? "-c", (resolved[2] ?? "").replace(/\bbun\b/, bun)] : [];
    const command = shell.length > 0 ? shell : resolved;
    return isRoot() ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ...command] : command;
  }

  function spawnInImage(argv: string[], env: Record<string, string>): Subprocess<"ignore", "pipe", "pipe"> {
    return Bun.spawn(asImageUser(argv), {
      cwd: app,
      env: { PATH: process.env.PATH ?? "", HOME: out, ...image.env, ...env },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
  }

  test("compose's one-shot steps (migrate, create topics) run from the image and exit 0", async () => {
    expect(oneShot.map(({ name }) => name).sort()).toEqual(["kafka-topics", "migrate"]);
    for (const { name, service } of oneShot) {
      const proc = spawnInImage(strings(service.command), environment(name));
      const [output, errors, code] = await Promise.all([
        new Response(proc.stdout).text(),
        new Response(proc.stderr).text(),
        proc.exited,
      ]);
      expect({ name, code, output: code === 0 ? "" : `${output}${errors}` }).toEqual({
        name,
        code: 0,
        output: "",
      });
    }
  }, 180_000);

  // Started as compose starts them: the gateway last, each service running until the last test stops them all.
  const order = [...longRunning].sort((a, b) => Number(a.name === "gateway") - Number(b.name === "gateway"));
  const running: Array<{ name: string; proc: Subprocess; log: () => string }> = [];

  test.each(order.map(({ name, build }) => [name, String(child(build, "args").SERVICE ?? "")]))(
    "%s starts from the image's CMD, answers /health/live and passes the image's HEALTHCHECK",
    async (name, service) => {
      // Shutdown deadline raised from 10 s: eleven services stopping at once on a loaded two-core machine.
      const env = {
        ...environment(name),
        SERVICE: service,
        PORT: String(ports[name]),
        SHUTDOWN_TIMEOUT_MS: "30000",
      };
      const proc = spawnInImage(image.cmd, env);
      // Both streams read as they come (an unread pipe would stall the service once it fills).
      let log = "";
      const decoder = new TextDecoder();
      for (const stream of [proc.stdout, proc.stderr]) {
        void (async () => {
          for await (const chunk of stream) {
            log = `${log}${decoder.decode(chunk, { stream: true })}`.slice(-20_000);
          }
        })();
      }
      running.push({ name, proc, log: () => log });
      let live = 0;
      let healthy = -1;
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline && healthy !== 0 && proc.exitCode === null) {
        live = await fetch(`http://127.0.0.1:${ports[name]}/health/live`).then(
          (r) => r.status,
          () => 0,
        );
        if (live === 200) {
          healthy = await spawnInImage(image.healthcheck, env).exited;
        }
        if (healthy !== 0) {
          await sleep(500);
        }
      }
      expect({
        name,
        live,
        healthy,
        exit: proc.exitCode,
        log: healthy === 0 ? "" : log.slice(-2000),
      }).toEqual({
        name,
        live: 200,
        healthy: 0,
        exit: null,
        log: "",
      });
    },
    120_000,
  );

  test("the gateway from the image serves the console built in the image at /", async () => {
    expect(existsSync(join(app, "apps/console/dist/index.html"))).toBe(true);
    const response = await fetch(`http://127.0.0.1:${ports.gateway}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await response.text()).toContain('<div id="root">');
  });

  const exitOf = (name: string) => running.find((r) => r.name === name)?.proc.exitCode;
  test("every service stops gracefully on SIGTERM (exit 0)", async () => {
    expect(running.map(({ name }) => name).sort()).toEqual(longRunning.map(({ name }) => name).sort());
    const exits = await Promise.all(
      running.map(async ({ name, proc }) => {
        proc.kill("SIGTERM");
        return [name, await proc.exited] as const;
      }),
    );
    const logs = running
      .filter(({ proc }) => proc.exitCode !== 0)
      .map(({ name, log }) => `--- ${name} (exit ${exitOf(name)}):\n${log().slice(-3000)}`);
    expect({ exits: Object.fromEntries(exits), logs }).toEqual({
      exits: Object.fromEntries(running.map(({ name }) => [name, 0])),
      logs: [],
    });
  }, 90_000);

  afterAll(async () => {
    for (const { proc } of running) {
      proc.kill("SIGKILL");
      await proc.exited;
    }
  });
});

test("every compose service built from the Dockerfile names a SERVICE that has a folder", () => {
  for (const { name, build } of built) {
    const service = String(child(build, "args").SERVICE ?? "");
    expect({ name, exists: existsSync(join(repoRoot, "services", service, "src/main.ts")) }).toEqual({
      name,
      exists: true,
    });
    expect(isNode(build)).toBe(true);
  }
});
