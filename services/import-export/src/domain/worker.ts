import { type Database, rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import type { ImportExportDeps } from "../deps.ts";
import { runWork, type Work } from "./jobs/run.ts";

/** Jobs one replica runs at once. */
const CONCURRENCY = 4;

/** Work to do across tenants (read with the platform policy; each job then runs in its tenant). */
async function findWork(db: Database, replicaId: string, now: Date, limit: number): Promise<Work[]> {
  const at = now.toISOString();
  const free = sql`(lease_until is null or lease_until < ${at} or lease_owner = ${replicaId})`;
  const result = await db.privileged((tx) =>
    tx.execute(sql`
      select 'import' as kind, tenant_id, id from import_export.imports
        where status in ('staging', 'applying', 'rolling_back') and ${free}
      union all
      select 'export' as kind, tenant_id, id from import_export.exports
        where status in ('pending', 'running') and ${free}
      limit ${limit}`),
  );
  return rowsOf<{ kind: "import" | "export"; tenant_id: string; id: string }>(result).map((r) => ({
    kind: r.kind,
    tenantId: r.tenant_id,
    id: r.id,
  }));
}

/**
 * The job loop of a replica: every `pollMs` it looks for imports and exports with work left whose
 * lease is free (or its own, after a restart) and runs up to four at once. State lives in
 * PostgreSQL, so any replica resumes what another left.
 */
export function createWorker(deps: ImportExportDeps, pollMs: number) {
  const running = new Map<string, Promise<void>>();
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let tick: Promise<void> | undefined;

  async function once() {
    if (running.size >= CONCURRENCY) {
      return;
    }
    let work: Work[];
    try {
      work = await findWork(deps.db, deps.settings.replicaId, deps.now(), CONCURRENCY * 2);
    } catch (error) {
      deps.log.warn("could not look for jobs", { error: String(error) });
      return;
    }
    for (const w of work) {
      if (stopped || running.size >= CONCURRENCY || running.has(w.id)) {
        continue;
      }
      const run = runWork(deps, w)
        .catch((error) => deps.log.error("job crashed", { id: w.id, error: String(error) }))
        .finally(() => running.delete(w.id));
      running.set(w.id, run);
    }
  }

  function schedule() {
    if (!stopped) {
      timer = setTimeout(() => {
        tick = once().finally(schedule);
      }, pollMs);
    }
  }

  return {
    start() {
      schedule();
    },
    /** Looks for work now (a job was just queued). */
    poke() {
      if (!stopped) {
        void once();
      }
    },
    async stop() {
      stopped = true;
      deps.stopping.value = true;
      clearTimeout(timer);
      await tick;
      await Promise.allSettled(running.values());
    },
  };
}

export type Worker = ReturnType<typeof createWorker>;
