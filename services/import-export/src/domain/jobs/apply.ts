import { and, asc, between, eq, gt, inArray, sql } from "drizzle-orm";
import { importRows, imports } from "../../db/schema.ts";
import type { RowOutcome } from "../../upstream/master-data.ts";
import type { ImportRow } from "../common.ts";
import { ENTITIES, type EntityName } from "../entities.ts";
import type { Job } from "./job.ts";

/** Batches at the owning service at once: one is applied while the next is read and sent. */
const DEPTH = 2;

/** The statement that records what the owning service did with each row of a batch. */
function outcomesSql(importId: string, outcomes: readonly RowOutcome[]) {
  const rowNos = outcomes.map((o) => o.rowNo);
  // The batch's row range, so the join reads those rows by the primary key (not the whole import).
  const range = sql`r.row_no between ${Math.min(...rowNos)} and ${Math.max(...rowNos)}`;
  const json = JSON.stringify(
    outcomes.map((o) => ({
      row_no: o.rowNo,
      target_id: o.id ?? null,
      errors: o.errors ?? null,
      outcome: o.applied ? "applied" : "failed",
    })),
  );
  return sql`
    update ${importRows} r set
      outcome = v.outcome, record_id = v.target_id, errors = coalesce(v.errors, r.errors)
    from jsonb_to_recordset(${json}::jsonb) as v(row_no int, target_id uuid, errors jsonb, outcome text)
    where r.import_id = ${importId} and ${range} and r.row_no = v.row_no`;
}

const readBatch = (job: Job, importId: string, after: number) =>
  job.tx((tx) =>
    tx
      .select({
        rowNo: importRows.rowNo,
        values: importRows.values,
        action: importRows.action,
        targetId: importRows.targetId,
        targetVersion: importRows.targetVersion,
      })
      .from(importRows)
      .where(and(eq(importRows.importId, importId), gt(importRows.rowNo, after)))
      .orderBy(asc(importRows.rowNo))
      .limit(job.deps.settings.batchRows),
  );
type Batch = Awaited<ReturnType<typeof readBatch>>;

/**
 * Applies a previewed import in batches, from the row after `cursor`: each batch goes to the owning
 * service (which applies each row once per import and row number, however often it is sent), then
 * the rows' outcomes and the cursor move in one transaction, batch after batch in row order. The
 * next batch is already read and at the service while one is recorded. A replica killed meanwhile
 * sends the batches after the cursor again on restart and gets the same answers: no row is applied
 * twice.
 */
export async function apply(job: Job, row: ImportRow) {
  const { deps } = job;
  const entity = ENTITIES[row.entity as EntityName];
  let { cursor, done, failed } = row;
  const resumedAt = deps.now().getTime();
  const doneBefore = done;
  const send = async (batch: Batch): Promise<RowOutcome[]> => {
    const sendable = batch.filter((r) => r.action !== "error" && r.action !== null);
    if (sendable.length === 0) {
      return [];
    }
    return deps.masterData.batch(
      entity,
      {
        importId: row.id,
        mode: row.mode,
        keyColumn: row.keyColumn ?? undefined,
        dryRun: false,
        rows: sendable.map((r) => ({
          rowNo: r.rowNo,
          values: r.values,
          target:
            r.targetId && r.targetVersion ? { id: r.targetId, expectedVersion: r.targetVersion } : undefined,
        })),
      },
      await job.call(),
    );
  };
  const queue: { batch: Batch; outcomes: Promise<RowOutcome[]> }[] = [];
  let readAfter = cursor;
  let exhausted = false;
  for (;;) {
    while (!exhausted && queue.length < DEPTH) {
      const batch = await readBatch(job, row.id, readAfter);
      const last = batch.at(-1);
      if (!last) {
        exhausted = true;
        break;
      }
      readAfter = last.rowNo;
      const outcomes = send(batch);
      // A failure surfaces when its turn comes, not as an unhandled rejection meanwhile.
      outcomes.catch(() => undefined);
      queue.push({ batch, outcomes });
    }
    const head = queue.shift();
    if (!head) {
      break;
    }
    const outcomes = await head.outcomes;
    const refused = head.batch.filter((r) => r.action === "error" || r.action === null).map((r) => r.rowNo);
    const failedNow = refused.length + outcomes.filter((o) => !o.applied).length;
    cursor = head.batch.at(-1)?.rowNo ?? cursor;
    done += head.batch.length;
    failed += failedNow;
    const seconds = Math.max(0.001, (deps.now().getTime() - resumedAt) / 1000);
    await job.tx(async (tx) => {
      if (outcomes.length > 0) {
        await tx.execute(outcomesSql(row.id, outcomes));
      }
      if (refused.length > 0) {
        await tx
          .update(importRows)
          .set({ outcome: "failed" })
          .where(
            and(
              eq(importRows.importId, row.id),
              // The batch's range reads its rows by the primary key (IN alone filters the import's every row).
              between(importRows.rowNo, Math.min(...refused), Math.max(...refused)),
              inArray(importRows.rowNo, refused),
            ),
          );
      }
      await tx
        .update(imports)
        .set({ cursor, done, failed, rowsPerSecond: (done - doneBefore) / seconds, updatedAt: deps.now() })
        .where(eq(imports.id, row.id));
    });
    deps.metrics.rowsApplied.inc({ outcome: "applied" }, head.batch.length - failedNow);
    deps.metrics.rowsApplied.inc({ outcome: "failed" }, failedNow);
    await job.renew();
  }
  await job.finish(
    { status: "applied" },
    { id: row.id, kind: "import", entity: row.entity, phase: "apply", rows: done - failed, rejected: failed },
    "import_apply",
  );
}

/** Reverses an applied import through the owning service, a batch per call, until nothing is left. */
export async function rollback(job: Job, row: ImportRow) {
  const { deps } = job;
  const entity = ENTITIES[row.entity as EntityName];
  let kept = row.failed;
  let afterRow = 0;
  for (;;) {
    const result = await deps.masterData.rollback(
      entity,
      { importId: row.id, limit: deps.settings.batchRows, afterRow },
      await job.call(),
    );
    afterRow = result.lastRow;
    kept += result.kept.length;
    await job.progress({ done: Math.max(0, row.phaseTotal - result.remaining), failed: kept });
    await job.renew();
    if (result.remaining === 0) {
      break;
    }
  }
  await job.finish(
    { status: "rolled_back" },
    {
      id: row.id,
      kind: "import",
      entity: row.entity,
      phase: "rollback",
      rows: row.phaseTotal - kept,
      rejected: kept,
    },
    "import_rollback",
  );
}
