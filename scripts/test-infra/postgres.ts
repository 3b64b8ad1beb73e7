// Finds or starts a PostgreSQL server for the test run. Order: TEST_DATABASE_URL, a server on
// 127.0.0.1:5432, a testcontainers container, a server started from the machine's binaries.
// VEXTRUS_TEST_PG=local skips the first three (to exercise the local server on purpose).
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQL, type Subprocess } from "bun";
import {
  errorMessage,
  freePort,
  isRoot,
  repoRoot,
  run,
  seconds,
  signalPid,
  sleep,
  stopProcess,
  tailOf,
} from "./process.ts";

export interface TestPostgres {
  /** Superuser URL to the `postgres` database. */
  url: string;
  description: string;
  stop(): Promise<void>;
}

const SYSTEM_URL = "postgres://postgres@127.0.0.1:5432/postgres";
const CONTAINER_IMAGE = "postgres:17-alpine";
const LOCAL_PORT = 55432;
const noop = async (): Promise<void> => {};

/** Connects once; returns the server version, or throws with the reason. */
export async function probePostgres(url: string, timeoutSeconds = 2): Promise<string> {
  const sql = new SQL(url, { max: 1, connectionTimeout: timeoutSeconds, idleTimeout: 1 });
  try {
    const rows: Array<{ version: string; superuser: string }> =
      await sql`select current_setting('server_version') as version, current_setting('is_superuser') as superuser`;
    const row = rows[0];
    if (!row) {
      throw new Error("no answer to a version query");
    }
    if (row.superuser !== "on") {
      throw new Error("the user is not a superuser (tests create databases and roles)");
    }
    return row.version;
  } finally {
    await sql.close({ timeout: 0 });
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

export async function ensurePostgres(): Promise<TestPostgres> {
  const tried: string[] = [];
  if (process.env.VEXTRUS_TEST_PG !== "local") {
    const given = process.env.TEST_DATABASE_URL;
    if (given) {
      const version = await probePostgres(given, 5).catch((error: unknown) => {
        throw new Error(`TEST_DATABASE_URL (${redact(given)}) is not usable: ${errorMessage(error)}`);
      });
      return {
        url: given,
        description: `TEST_DATABASE_URL ${redact(given)} (PostgreSQL ${version})`,
        stop: noop,
      };
    }
    try {
      const version = await probePostgres(SYSTEM_URL);
      return {
        url: SYSTEM_URL,
        description: `existing server at 127.0.0.1:5432 (PostgreSQL ${version})`,
        stop: noop,
      };
    } catch (error) {
      tried.push(`127.0.0.1:5432 as user postgres: ${errorMessage(error)}`);
    }
    try {
      return await startContainer();
    } catch (error) {
      tried.push(`testcontainers: ${errorMessage(error)}`);
    }
  }
  const binDir = await findBinDir();
  if (binDir) {
    for (const line of tried) {
      console.log(`PostgreSQL: not using ${line.split("\n")[0]}`);
    }
    return startLocalServer(binDir);
  }
  tried.push("local binaries: no initdb/postgres in /usr/lib/postgresql/*/bin, pg_config --bindir or PATH");
  throw new Error(
    [
      "No PostgreSQL for the tests. Tried:",
      ...tried.map((line) => `  - ${line}`),
      "Provide one of:",
      "  - TEST_DATABASE_URL=postgres://<superuser>@<host>:<port>/postgres",
      "  - a server on 127.0.0.1:5432 that lets user postgres in without a password",
      "  - the server binaries: apt-get install -y postgresql (the tests then start their own)",
      "  - a container runtime (Docker or Podman) for testcontainers",
    ].join("\n"),
  );
}

async function startContainer(): Promise<TestPostgres> {
  const started = performance.now();
  const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
  const container = await new PostgreSqlContainer(CONTAINER_IMAGE)
    .withDatabase("postgres")
    .withUsername("postgres")
    .withPassword("postgres")
    .start();
  const url = container.getConnectionUri();
  const version = await probePostgres(url, 10);
  return {
    url,
    description: `container ${CONTAINER_IMAGE} via testcontainers (PostgreSQL ${version}) started in ${seconds(started)}`,
    stop: async () => {
      await container.stop();
    },
  };
}

async function findBinDir(): Promise<string | undefined> {
  const hasServer = (dir: string): boolean =>
    existsSync(join(dir, "initdb")) && existsSync(join(dir, "postgres"));
  const debianRoot = "/usr/lib/postgresql";
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((name) => hasServer(join(debianRoot, name, "bin")))
      .sort((a, b) => Number(b) - Number(a));
    const newest = versions[0];
    if (newest) {
      return join(debianRoot, newest, "bin");
    }
  }
  if (Bun.which("pg_config")) {
    const { code, output } = await run(["pg_config", "--bindir"]);
    if (code === 0 && hasServer(output)) {
      return output;
    }
  }
  const initdb = Bun.which("initdb");
  return initdb ? join(initdb, "..") : undefined;
}

interface ServerDirs {
  dataDir: string;
  socketDir: string;
  logFile: string;
  /** Removes what the next run would not reuse. */
  cleanUp(): void;
}

/**
 * Data and socket dirs under .cache/postgres-test, or under a temp dir when the postgres OS user
 * cannot reach the checkout (e.g. a clone under /root). The log stays in .cache: we open it.
 */
async function prepareDirs(asPostgres: string[], port: number): Promise<ServerDirs> {
  const cacheDir = join(repoRoot, ".cache/postgres-test");
  mkdirSync(cacheDir, { recursive: true });
  let base = cacheDir;
  if (asPostgres.length > 0) {
    await run(["chown", "postgres:postgres", cacheDir]);
    if ((await run([...asPostgres, "test", "-w", cacheDir])).code !== 0) {
      base = mkdtempSync(join(tmpdir(), "vextrus-postgres-test-"));
    }
  }
  const dataDir = join(base, "data");
  await stopLeftover(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
  let socketDir = join(base, "sock");
  if (`${socketDir}/.s.PGSQL.${port}`.length > 100) {
    socketDir = mkdtempSync(join(tmpdir(), "vextrus-pg-sock-"));
  }
  mkdirSync(socketDir, { recursive: true });
  if (asPostgres.length > 0) {
    await run(["chown", "postgres:postgres", base, socketDir]);
  }
  const temporary = [base, socketDir].filter((dir) => !dir.startsWith(cacheDir));
  return {
    dataDir,
    socketDir,
    logFile: join(cacheDir, "postgres.log"),
    cleanUp: () => {
      for (const dir of [dataDir, ...temporary]) {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function postmasterPid(dataDir: string): number {
  const pidFile = join(dataDir, "postmaster.pid");
  return existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").split("\n")[0]) : 0;
}

/** A server left running by an earlier run that was killed: stop it before reusing its dir. */
async function stopLeftover(dataDir: string): Promise<void> {
  const pid = postmasterPid(dataDir);
  if (pid > 0 && signalPid(pid, "SIGQUIT")) {
    console.log(`PostgreSQL: stopping a server (pid ${pid}) left in ${dataDir} by an earlier run`);
    for (let i = 0; i < 50 && signalPid(pid, 0); i++) {
      await sleep(100);
    }
    signalPid(pid, "SIGKILL");
  }
}

async function startLocalServer(binDir: string): Promise<TestPostgres> {
  const started = performance.now();
  const asPostgres = isRoot() ? ["runuser", "-u", "postgres", "--"] : [];
  if (isRoot() && (await run(["id", "-u", "postgres"])).code !== 0) {
    throw new Error(
      "As root, initdb/postgres need an OS user `postgres` (apt-get install postgresql makes it)",
    );
  }
  const port = freePort(LOCAL_PORT);
  const dirs = await prepareDirs(asPostgres, port);
  const initdb = await run([
    ...asPostgres,
    join(binDir, "initdb"),
    ...["-D", dirs.dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"],
  ]);
  if (initdb.code !== 0) {
    dirs.cleanUp();
    throw new Error(`initdb failed (${binDir}):\n${initdb.output}`);
  }

  const settings = [
    `port=${port}`,
    "listen_addresses=127.0.0.1",
    `unix_socket_directories=${dirs.socketDir}`,
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    "max_connections=300",
  ];
  writeFileSync(dirs.logFile, "");
  const server = Bun.spawn(
    [...asPostgres, join(binDir, "postgres"), "-D", dirs.dataDir, ...settings.flatMap((s) => ["-c", s])],
    { stdin: "ignore", stdout: "ignore", stderr: Bun.file(dirs.logFile) },
  );
  const stop = async (): Promise<void> => {
    const pid = postmasterPid(dirs.dataDir);
    if (pid > 0) {
      signalPid(pid, "SIGINT"); // fast shutdown: ends sessions, then exits
    }
    await stopProcess(server, "SIGINT", 15_000);
    dirs.cleanUp();
  };

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const version = await waitUntilReady(url, server).catch(async (error: unknown) => {
    await stop();
    throw new Error(`${errorMessage(error)}; ${dirs.logFile}:\n${tailOf(dirs.logFile)}`);
  });
  return {
    url,
    description: `local server from ${binDir} on 127.0.0.1:${port} (PostgreSQL ${version}) started in ${seconds(started)}, log ${dirs.logFile}`,
    stop,
  };
}

async function waitUntilReady(url: string, server: Subprocess): Promise<string> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error("PostgreSQL exited during start-up");
    }
    const version = await probePostgres(url, 1).catch(() => "");
    if (version) {
      return version;
    }
    if (performance.now() > deadline) {
      throw new Error("PostgreSQL did not accept connections within 30 s");
    }
    await sleep(200);
  }
}
