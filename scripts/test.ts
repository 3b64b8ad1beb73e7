// `npm test`: typecheck, lint, bring up PostgreSQL, Kafka, S3 and SMTP, run `bun test`, tear down, and close
// with one line "N passed, N failed".
//   bun scripts/test.ts [paths…]   file filters are passed through to `bun test`
//   SKIP_STATIC=1                  skips the typecheck and lint steps (quick local runs)
import { join } from "node:path";
import type { Subprocess } from "bun";
import { ensureSmtp, smtpEnv, type TestSmtp } from "./test-infra/greenmail.ts";
import { ensureKafka, type TestKafka } from "./test-infra/kafka.ts";
import { ensurePostgres, type TestPostgres } from "./test-infra/postgres.ts";
import { errorMessage, repoRoot } from "./test-infra/process.ts";
import { ensureS3, s3Env, type TestS3 } from "./test-infra/s3proxy.ts";

const STEPS = 7;
const filters = process.argv.slice(2);
const failures: string[] = [];
let postgres: TestPostgres | undefined;
let kafka: TestKafka | undefined;
let s3: TestS3 | undefined;
let smtp: TestSmtp | undefined;
let stopping: Promise<void> | undefined;
/** The step's child process, stopped with us on a signal. */
let child: Subprocess | undefined;

function header(step: number, title: string): void {
  console.log(`\n━━━ [${step}/${STEPS}] ${title}`);
}

async function runStep(cmd: string[]): Promise<number> {
  child = Bun.spawn(cmd, { cwd: repoRoot, stdin: "inherit", stdout: "inherit", stderr: "inherit" });
  return child.exited;
}

function stopInfrastructure(): Promise<void> {
  stopping ??= Promise.allSettled([kafka?.stop(), postgres?.stop(), s3?.stop(), smtp?.stop()]).then(
    (results) => {
      for (const result of results) {
        if (result.status === "rejected") {
          console.error(`Stopping test infrastructure failed: ${errorMessage(result.reason)}`);
        }
      }
    },
  );
  return stopping;
}

const signals: Array<[NodeJS.Signals, number]> = [
  ["SIGHUP", 129],
  ["SIGINT", 130],
  ["SIGTERM", 143],
];
for (const [signal, code] of signals) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the test infrastructure…`);
    child?.kill(signal);
    void stopInfrastructure().finally(() => process.exit(code));
  });
}

async function staticChecks(): Promise<void> {
  if (process.env.SKIP_STATIC === "1") {
    header(1, "Typecheck — skipped (SKIP_STATIC=1)");
    header(2, "Lint — skipped (SKIP_STATIC=1)");
    return;
  }
  header(1, "Typecheck: tsc --noEmit -p tsconfig.json");
  if ((await runStep([join(repoRoot, "node_modules/.bin/tsc"), "--noEmit", "-p", "tsconfig.json"])) !== 0) {
    failures.push("typecheck (tsc) failed");
  }
  header(2, "Lint: biome check .");
  if ((await runStep([join(repoRoot, "node_modules/.bin/biome"), "check", "."])) !== 0) {
    failures.push("lint (biome check) failed");
  }
}

async function startInfrastructure(): Promise<boolean> {
  header(3, "PostgreSQL");
  try {
    postgres = await ensurePostgres();
    console.log(`PostgreSQL: ${postgres.description}`);
  } catch (error) {
    failures.push("PostgreSQL: none available (see step 3)");
    console.error(errorMessage(error));
  }
  header(4, "Kafka");
  try {
    kafka = await ensureKafka();
    console.log(`Kafka: ${kafka.description}`);
  } catch (error) {
    failures.push("Kafka: none available (see step 4)");
    console.error(errorMessage(error));
  }
  header(5, "S3 (object storage) and SMTP (mail)");
  try {
    s3 = await ensureS3();
    console.log(`S3: ${s3.description}`);
  } catch (error) {
    failures.push("S3: none available (see step 5)");
    console.error(errorMessage(error));
  }
  console.log("\nSMTP (mail)");
  try {
    smtp = await ensureSmtp();
    console.log(`SMTP: ${smtp.description}`);
  } catch (error) {
    failures.push("SMTP: none available (see step 5)");
    console.error(errorMessage(error));
  }
  return postgres !== undefined && kafka !== undefined && s3 !== undefined && smtp !== undefined;
}

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** Runs `bun test`, showing its stderr as it comes while keeping it to read the summary. */
async function runTests(env: Record<string, string>): Promise<Counts> {
  const cmd = [process.execPath, "test", "--timeout", "120000", ...filters];
  header(6, `Tests: ${cmd.slice(1).join(" ")}`);
  const proc = Bun.spawn(cmd, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "pipe",
  });
  child = proc;
  let output = "";
  const decoder = new TextDecoder();
  for await (const chunk of proc.stderr) {
    process.stderr.write(chunk);
    output += decoder.decode(chunk, { stream: true });
  }
  const code = await proc.exited;
  const plain = Bun.stripANSI(output);
  const count = (word: string): number =>
    Number(new RegExp(`^\\s*(\\d+) ${word}$`, "m").exec(plain)?.[1] ?? 0);
  const counts = { passed: count("pass"), failed: count("fail"), skipped: count("skip") + count("todo") };
  if (code !== 0) {
    failures.push(`bun test exited with code ${code}`);
  }
  return counts;
}

async function main(): Promise<number> {
  await staticChecks();
  let counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  if (await startInfrastructure()) {
    counts = await runTests({
      TEST_DATABASE_URL: postgres?.url ?? "",
      KAFKA_BROKERS: kafka?.brokers ?? "",
      ...(s3 ? s3Env(s3) : {}),
      ...(smtp ? smtpEnv(smtp) : {}),
    });
  } else {
    header(6, "Tests — not run: the test infrastructure is missing");
  }
  header(7, "Stop test infrastructure");
  await stopInfrastructure();
  console.log(`PostgreSQL: ${postgres?.description ?? "none"}`);
  console.log(`Kafka: ${kafka?.description ?? "none"}`);
  console.log(`S3: ${s3?.description ?? "none"}`);
  console.log(`SMTP: ${smtp?.description ?? "none"}`);
  if (counts.skipped > 0) {
    console.log(`(${counts.skipped} skipped or todo)`);
  }
  for (const failure of failures) {
    console.log(`FAILED: ${failure}`);
  }
  console.log(`${counts.passed} passed, ${counts.failed} failed`);
  return failures.length > 0 || counts.failed > 0 ? 1 : 0;
}

process.exit(await main());
