/**
 * pgbench's built-in simple-update script (`-N`: one UPDATE, one SELECT, one INSERT per transaction,
 * prepared) against a database of its own on the same PostgreSQL: the write ceiling the benchmarks
 * that write print beside their own figures. pgbench ships with PostgreSQL's binaries.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

export function findPgbench(): string {
  const debian = "/usr/lib/postgresql";
  const candidates = existsSync(debian)
    ? readdirSync(debian)
        .sort((a, b) => Number(b) - Number(a))
        .map((version) => join(debian, version, "bin", "pgbench"))
    : [];
  const found = Bun.which("pgbench") ?? candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      "pgbench is not installed: it ships with PostgreSQL (`apt-get install postgresql-client` or " +
        "`postgresql-contrib` on Debian/Ubuntu); put it on the PATH.",
    );
  }
  return found;
}

/** Initialises pgbench's tables (scale 1) in the database at `url`; returns a runner of timed rounds. */
export async function preparePgbench(url: string) {
  const binary = findPgbench();
  const init = await Bun.$`${binary} -i -q -s 1 ${url}`.quiet().nothrow();
  if (init.exitCode !== 0) {
    throw new Error(`pgbench -i failed: ${init.stderr.toString()}`);
  }
  return {
    /** Transactions per second of `clients` connections for `seconds`. */
    async simpleUpdate(clients: number, seconds: number): Promise<number> {
      const run =
        await Bun.$`${binary} -N -M prepared -n -c ${clients} -j 2 -T ${Math.max(1, Math.round(seconds))} ${url}`
          .quiet()
          .nothrow();
      const tps = /tps = ([\d.]+)/.exec(run.stdout.toString())?.[1];
      if (run.exitCode !== 0 || !tps) {
        throw new Error(`pgbench failed: ${run.stderr.toString()}${run.stdout.toString()}`);
      }
      return Number(tps);
    },
  };
}
