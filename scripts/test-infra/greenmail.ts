// Finds or starts an SMTP server for the test run. Order: TEST_SMTP_URL (with TEST_MAIL_API, a
// GreenMail-compatible REST API to read mail back), then GreenMail standalone from its Maven Central
// jar (cached under .cache/greenmail/) with SMTP, IMAP and its REST API on free ports.
import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { portForLater } from "@vextrus/platform/testing";
import { ensureJar, jarPath, type MavenJar, missingJarTools } from "./maven-jar.ts";
import { errorMessage, freePort, seconds, sleep, stopProcess, tailOf } from "./process.ts";

/** The one place the GreenMail version is chosen. */
export const GREENMAIL_VERSION = "2.1.13";
const JAR: MavenJar = {
  label: "GreenMail",
  artifact: `com.icegreen:greenmail-standalone:${GREENMAIL_VERSION}`,
  cacheName: "greenmail",
  version: GREENMAIL_VERSION,
  fileName: `greenmail-standalone-${GREENMAIL_VERSION}.jar`,
};
const jarFile = jarPath(JAR);

export interface TestSmtp {
  /** `smtp://127.0.0.1:<port>` */
  url: string;
  /** GreenMail's REST API (`GET /api/user/{email}/messages/`, `POST /api/mail/purge`). */
  api: string;
  /** `imap://127.0.0.1:<port>` (any user and password): a mailbox read as a bounce mailbox. */
  imap?: string | undefined;
  description: string;
  stop(): Promise<void>;
}

/** The variables the suites read. */
export const smtpEnv = (smtp: TestSmtp): Record<string, string> => ({
  TEST_SMTP_URL: smtp.url,
  TEST_MAIL_API: smtp.api,
  ...(smtp.imap ? { TEST_IMAP_URL: smtp.imap } : {}),
});

async function ready(api: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${api}/api/service/readiness`, { signal: AbortSignal.timeout(1_000) });
      await res.body?.cancel();
      if (res.ok) {
        return;
      }
    } catch (error) {
      if (performance.now() > deadline) {
        throw new Error(`GreenMail is not ready at ${api}: ${errorMessage(error)}`);
      }
    }
    if (performance.now() > deadline) {
      throw new Error(`GreenMail is not ready at ${api}`);
    }
    await sleep(100);
  }
}

export async function ensureSmtp(): Promise<TestSmtp> {
  const given = process.env.TEST_SMTP_URL;
  if (given) {
    const api = process.env.TEST_MAIL_API;
    if (!api) {
      throw new Error(
        "TEST_SMTP_URL is set: set TEST_MAIL_API (GreenMail's REST API) too, to read mail back",
      );
    }
    await ready(api, 10_000);
    const imap = process.env.TEST_IMAP_URL;
    return { url: given, api, imap, description: `TEST_SMTP_URL=${given}`, stop: async () => {} };
  }
  const missing = missingJarTools(JAR);
  if (missing) {
    throw new Error(
      [
        `No SMTP server for the tests: ${missing}. Provide one of:`,
        "  - TEST_SMTP_URL=smtp://host:port with TEST_MAIL_API=http://host:port (a GreenMail with its REST API)",
        "  - Java 17+ and Maven with access to Maven Central (apt-get install -y openjdk-17-jre-headless maven);",
        `    the tests then run GreenMail ${GREENMAIL_VERSION} from its Maven jar`,
      ].join("\n"),
    );
  }
  return startGreenMail();
}

/** Starts GreenMail on 127.0.0.1 (SMTP, IMAP, REST API; no authentication) and waits until it is ready. */
export async function startGreenMail(): Promise<TestSmtp> {
  const started = performance.now();
  const jar = await ensureJar(JAR);
  const runDir = mkdtempSync(join(tmpdir(), "vextrus-greenmail-"));
  // A random first choice: two runs on one machine never both try the same port and so never
  // mistake each other's GreenMail for their own.
  const smtpPort = portForLater();
  const imapPort = freePort(smtpPort + 1, [smtpPort]);
  const apiPort = freePort(imapPort + 1, [smtpPort, imapPort]);
  const logFile = join(runDir, "greenmail.log");
  const log = openSync(logFile, "a");
  const proc = Bun.spawn(
    [
      "java",
      "-Xmx128m",
      `-Dgreenmail.smtp.port=${smtpPort}`,
      "-Dgreenmail.smtp.hostname=127.0.0.1",
      `-Dgreenmail.imap.port=${imapPort}`,
      "-Dgreenmail.imap.hostname=127.0.0.1",
      "-Dgreenmail.hostname=127.0.0.1",
      "-Dgreenmail.auth.disabled",
      "-Dgreenmail.api.hostname=127.0.0.1",
      `-Dgreenmail.api.port=${apiPort}`,
      "-jar",
      jarFile,
    ],
    { cwd: runDir, stdin: "ignore", stdout: log, stderr: log },
  );
  closeSync(log);
  const api = `http://127.0.0.1:${apiPort}`;
  const stop = async () => {
    await stopProcess(proc, "SIGTERM", 5_000);
    rmSync(runDir, { recursive: true, force: true });
  };
  try {
    await Promise.race([
      ready(api, 60_000),
      proc.exited.then((code) => {
        throw new Error(`GreenMail exited (${code})`);
      }),
    ]);
  } catch (error) {
    const lines = tailOf(logFile);
    await stop();
    throw new Error(`GreenMail did not start: ${errorMessage(error)}; last lines of its log:\n${lines}`);
  }
  return {
    url: `smtp://127.0.0.1:${smtpPort}`,
    api,
    imap: `imap://127.0.0.1:${imapPort}`,
    description: `GreenMail ${GREENMAIL_VERSION} (SMTP ${smtpPort}, API ${apiPort}) started from its Maven jar in ${seconds(started)} (${jar})`,
    stop,
  };
}
