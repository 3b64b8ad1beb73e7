// Finds or starts an S3-compatible server for the test run. Order: TEST_S3_ENDPOINT (with
// TEST_S3_ACCESS_KEY and TEST_S3_SECRET_KEY), then S3Proxy from its Maven Central jar (cached under
// .cache/s3proxy/) on the filesystem backend, checking SigV4 signatures like S3 does.
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { portForLater } from "@vextrus/platform/testing";
import { ensureJar, jarPath, type MavenJar, missingJarTools } from "./maven-jar.ts";
import { errorMessage, seconds, sleep, stopProcess, tailOf } from "./process.ts";

/** The one place the S3Proxy version is chosen. */
export const S3PROXY_VERSION = "4.1.0";
const JAR: MavenJar = {
  label: "S3Proxy",
  artifact: `org.gaul:s3proxy:${S3PROXY_VERSION}:jar:jar-with-dependencies`,
  cacheName: "s3proxy",
  version: S3PROXY_VERSION,
  fileName: `s3proxy-${S3PROXY_VERSION}-jar-with-dependencies.jar`,
};
const jarFile = jarPath(JAR);

export interface TestS3 {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  description: string;
  /** The S3Proxy process this run started (none for TEST_S3_ENDPOINT): benchmarks count its CPU. */
  pid?: number | undefined;
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
  const missing = missingJarTools(JAR);
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

/** Starts S3Proxy on 127.0.0.1 (filesystem backend in a temporary folder) and waits until it answers. */
export async function startS3Proxy(): Promise<TestS3> {
  const started = performance.now();
  const jar = await ensureJar(JAR);
  const runDir = mkdtempSync(join(tmpdir(), "vextrus-s3proxy-"));
  // A random first choice, as for GreenMail: two runs that both found a fixed port free started two
  // proxies, and the second run's requests reached the first's (403 InvalidAccessKeyId).
  const port = portForLater();
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
    pid: proc.pid,
    stop,
  };
}
