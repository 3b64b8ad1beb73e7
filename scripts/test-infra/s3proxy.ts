// Finds or starts an S3-compatible server for the test run. Order: TEST_S3_ENDPOINT (with
// TEST_S3_ACCESS_KEY and TEST_S3_SECRET_KEY), then S3Proxy from its Maven Central jar (cached under
// .cache/s3proxy/) on the filesystem backend, checking SigV4 signatures like S3 does.
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { errorMessage, freePort, repoRoot, run, seconds, sleep, stopProcess, tailOf } from "./process.ts";

/** The one place the S3Proxy version is chosen. */
export const S3PROXY_VERSION = "4.1.0";
const ARTIFACT = `org.gaul:s3proxy:${S3PROXY_VERSION}:jar:jar-with-dependencies`;
const jarDir = join(repoRoot, ".cache/s3proxy", S3PROXY_VERSION);
const jarFile = join(jarDir, `s3proxy-${S3PROXY_VERSION}-jar-with-dependencies.jar`);

export interface TestS3 {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  description: string;
  stop(): Promise<void>;
}

/** The variables the suites read (see @vextrus/platform/testing `s3Settings`). */
export const s3Env = (s3: TestS3): Record<string, string> => ({
  TEST_S3_ENDPOINT: s3.endpoint,
  TEST_S3_ACCESS_KEY: s3.accessKey,
  TEST_S3_SECRET_KEY: s3.secretKey,
});

/** Resolves when anything answers HTTP at `endpoint` (S3Proxy answers 403 to an unsigned GET). */
async function answers(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(endpoint, { signal: AbortSignal.timeout(1_000) });
      await res.body?.cancel();
      return;
    } catch (error) {
      if (performance.now() > deadline) {
        throw new Error(`nothing answers at ${endpoint}: ${errorMessage(error)}`);
      }
      await sleep(100);
    }
  }
}

export async function ensureS3(): Promise<TestS3> {
  const given = process.env.TEST_S3_ENDPOINT;
  if (given) {
    const accessKey = process.env.TEST_S3_ACCESS_KEY;
    const secretKey = process.env.TEST_S3_SECRET_KEY;
    if (!accessKey || !secretKey) {
      throw new Error("TEST_S3_ENDPOINT is set: set TEST_S3_ACCESS_KEY and TEST_S3_SECRET_KEY too");
    }
    await answers(given, 10_000);
    return {
      endpoint: given,
      accessKey,
      secretKey,
      description: `TEST_S3_ENDPOINT=${given}`,
      stop: async () => {},
    };
  }
  const missing = !Bun.which("java")
    ? "no `java` on PATH (Java 17+ needed)"
    : !existsSync(jarFile) && !Bun.which("mvn")
      ? `no \`mvn\` on PATH and no cached jar at ${jarFile}`
      : undefined;
  if (missing) {
    throw new Error(
      [
        `No S3-compatible server for the tests: ${missing}. Provide one of:`,
        "  - TEST_S3_ENDPOINT=http://host:port with TEST_S3_ACCESS_KEY and TEST_S3_SECRET_KEY (MinIO, S3Proxy…)",
        "  - Java 17+ and Maven with access to Maven Central (apt-get install -y openjdk-17-jre-headless maven);",
        `    the tests then run S3Proxy ${S3PROXY_VERSION} from its Maven jar`,
      ].join("\n"),
    );
  }
  return startS3Proxy();
}

/** Copies the S3Proxy jar (with its dependencies) from Maven Central into .cache/s3proxy/<version>. */
async function ensureJar(): Promise<string> {
  if (existsSync(jarFile)) {
    return "cached jar";
  }
  const started = performance.now();
  console.log(`S3Proxy: fetching ${ARTIFACT} with Maven…`);
  const staging = join(jarDir, `tmp-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  const maven = await run([
    "mvn",
    ...["-B", "-q", "-Dstyle.color=never", "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy"],
    `-Dartifact=${ARTIFACT}`,
    `-DoutputDirectory=${staging}`,
  ]);
  const fetched = join(staging, `s3proxy-${S3PROXY_VERSION}-jar-with-dependencies.jar`);
  if (maven.code !== 0 || !existsSync(fetched)) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`Maven could not fetch ${ARTIFACT}:\n${maven.output}`);
  }
  renameSync(fetched, jarFile);
  rmSync(staging, { recursive: true, force: true });
  return `jar fetched from Maven Central in ${seconds(started)}`;
}

/** Starts S3Proxy on 127.0.0.1 (filesystem backend in a temporary folder) and waits until it answers. */
export async function startS3Proxy(): Promise<TestS3> {
  const started = performance.now();
  mkdirSync(jarDir, { recursive: true });
  const jar = await ensureJar();
  const runDir = mkdtempSync(join(tmpdir(), "vextrus-s3proxy-"));
  const port = freePort(18_080);
  const endpoint = `http://127.0.0.1:${port}`;
  const accessKey = `test-${crypto.randomUUID().slice(0, 8)}`;
  const secretKey = crypto.randomUUID();
  const properties = join(runDir, "s3proxy.properties");
  const logFile = join(runDir, "s3proxy.log");
  mkdirSync(join(runDir, "data"));
  writeFileSync(
    properties,
    [
      "s3proxy.authorization=aws-v2-or-v4",
      `s3proxy.endpoint=${endpoint}`,
      `s3proxy.identity=${accessKey}`,
      `s3proxy.credential=${secretKey}`,
      "jclouds.provider=filesystem-nio2",
      `jclouds.filesystem.basedir=${join(runDir, "data")}`,
      "",
    ].join("\n"),
  );
  const log = openSync(logFile, "a");
  const proc = Bun.spawn(["java", "-Xmx256m", "-jar", jarFile, "--properties", properties], {
    cwd: runDir,
    stdin: "ignore",
    stdout: log,
    stderr: log,
  });
  closeSync(log);
  const stop = async () => {
    await stopProcess(proc, "SIGTERM", 5_000);
    rmSync(runDir, { recursive: true, force: true });
  };
  try {
    await Promise.race([
      answers(endpoint, 60_000),
      proc.exited.then((code) => {
        throw new Error(`S3Proxy exited (${code})`);
      }),
    ]);
  } catch (error) {
    const lines = tailOf(logFile);
    await stop();
    throw new Error(`S3Proxy did not start: ${errorMessage(error)}; last lines of its log:\n${lines}`);
  }
  return {
    endpoint,
    accessKey,
    secretKey,
    description: `S3Proxy ${S3PROXY_VERSION} at ${endpoint} started from its Maven jar in ${seconds(started)} (${jar})`,
    stop,
  };
}
