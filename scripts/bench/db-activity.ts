/**
 * What a unit of work costs the database, from PostgreSQL's statistics views: transactions committed
 * and rows written per table between two snapshots (pg_stat_database, pg_stat_user_tables). The
 * counters are flushed with pg_stat_force_next_flush() where the server has it (PostgreSQL 15+).
 */
import postgres from "postgres";

interface Snapshot {
  commits: number;
  rollbacks: number;
  tables: Map<string, { inserted: number; updated: number; deleted: number }>;
}

export function dbActivity(url: string) {
  const db = postgres(url, { max: 1, onnotice: () => {} });
  async function snapshot(): Promise<Snapshot> {
    await db`select pg_stat_force_next_flush()`.catch(() => {});
    const [totals] = await db<{ commits: number; rollbacks: number }[]>`
      select xact_commit::int as commits, xact_rollback::int as rollbacks
      from pg_stat_database where datname = current_database()`;
    const rows = await db<{ name: string; inserted: number; updated: number; deleted: number }[]>`
      select schemaname || '.' || relname as name, n_tup_ins::int as inserted, n_tup_upd::int as updated,
        n_tup_del::int as deleted
      from pg_stat_user_tables`;
    return {
      commits: totals?.commits ?? 0,
      rollbacks: totals?.rollbacks ?? 0,
      tables: new Map(rows.map(({ name, ...counts }) => [name, counts])),
    };
  }
  return {
    snapshot,
    /** Per unit of work (`units` of them ran between the snapshots): a printable summary. */
    describe(before: Snapshot, after: Snapshot, units: number): string {
      const per = (n: number) => (n / units).toFixed(1);
      const lines = [
        `transactions committed ${per(after.commits - before.commits)}` +
          ` (${per(after.rollbacks - before.rollbacks)} rolled back; the monitoring queries add ~0)`,
      ];
      for (const [name, now] of [...after.tables].sort(([a], [b]) => a.localeCompare(b))) {
        const then = before.tables.get(name) ?? { inserted: 0, updated: 0, deleted: 0 };
        const changes = (["inserted", "updated", "deleted"] as const)
          .map((kind) => [kind, now[kind] - then[kind]] as const)
          .filter(([, n]) => n > 0)
          .map(([kind, n]) => `${per(n)} ${kind}`);
        if (changes.length > 0) {
          lines.push(`${name}: ${changes.join(", ")}`);
        }
      }
      return lines.join("\n  ");
    },
    close: () => db.end(),
  };
}
