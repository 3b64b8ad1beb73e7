import { emit } from "@vextrus/events";
import { type Database, rowsOf } from "@vextrus/platform/db";
import { and, eq, sql } from "drizzle-orm";
import type { SmsReport } from "../channels/sms-reports.ts";
import { deliveries, outbox } from "../db/schema.ts";

/**
 * Applies an SMS provider's delivery reports: each names the provider's message id, which finds the
 * message in whichever tenant it is (a privileged look-up); the message goes from `sent` to
 * `delivered` or `bounced` with its event, in its tenant's transaction. A report for an unknown id, or
 * one repeated, changes nothing. Returns how many messages changed.
 */
export async function applySmsReports(
  db: Database,
  reports: readonly SmsReport[],
  now: Date,
): Promise<number> {
  let changed = 0;
  for (const report of reports) {
    const found = await db.privileged(async (tx) =>
      rowsOf<{ id: string; tenant_id: string }>(
        await tx.execute(sql`
          select id, tenant_id from ${deliveries}
          where channel = 'sms' and provider_id = ${report.providerId} limit 1`),
      ),
    );
    const row = found[0];
    if (!row) {
      continue;
    }
    const status = report.outcome === "delivered" ? "delivered" : "bounced";
    const done = await db.tenant(row.tenant_id, async (tx) => {
      const [updated] = await tx
        .update(deliveries)
        .set({
          status,
          deliveredAt: now,
          ...(status === "bounced" ? { lastError: report.detail ?? null } : {}),
        })
        .where(and(eq(deliveries.id, row.id), eq(deliveries.status, "sent")))
        .returning({ id: deliveries.id });
      if (!updated) {
        return false;
      }
      const common = { subject: row.id, tenantId: row.tenant_id, actorId: null };
      await emit(
        tx,
        outbox,
        status === "delivered"
          ? {
              ...common,
              type: "vextrus.notification.delivery.delivered",
              data: { id: row.id, channel: "sms" },
            }
          : {
              ...common,
              type: "vextrus.notification.delivery.bounced",
              data: {
                id: row.id,
                channel: "sms",
                ...(report.detail ? { detail: report.detail.slice(0, 1000) } : {}),
              },
            },
      );
      return true;
    });
    changed += done ? 1 : 0;
  }
  return changed;
}
