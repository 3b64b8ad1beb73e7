import { emit } from "@vextrus/events";
import { type Database, rowsOf, type Tx } from "@vextrus/platform/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { bouncingAddresses, contacts, deliveries, outbox } from "../db/schema.ts";

/** What a delivery status notification (RFC 3464) says of one recipient. */
export interface Bounce {
  /** The address that failed (Final-Recipient / Original-Recipient). */
  recipient: string;
  /** `5.1.1`: 5.x.x is permanent (a hard bounce), 4.x.x a delay. */
  status: string;
  action: string;
  diagnostic: string;
  /** The failed mail's Message-ID, from the headers the DSN returns (`<delivery id@…>`). */
  messageId: string | undefined;
}

/** Header-style fields of a block, continuation lines unfolded, names lower-cased. */
function fieldsOf(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const match = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined && !fields.has(match[1].toLowerCase())) {
      fields.set(match[1].toLowerCase(), match[2].trim());
    }
  }
  return fields;
}

const addressOf = (field: string | undefined) =>
  field
    ?.replace(/^rfc822;\s*/i, "")
    .replace(/^<|>$/g, "")
    .trim()
    .toLowerCase();

/**
 * The bounces a DSN reports (a `multipart/report; report-type=delivery-status` mail, as every MTA
 * sends to a mail's envelope sender): one per recipient block of its `message/delivery-status` part,
 * with the failed mail's Message-ID from its returned headers. Anything else is not a DSN: [].
 */
export function parseDsn(source: string): Bounce[] {
  const headerEnd = source.search(/\r?\n\r?\n/);
  const top = fieldsOf(headerEnd >= 0 ? source.slice(0, headerEnd) : source);
  const type = top.get("content-type") ?? "";
  if (!/multipart\/report/i.test(type) || !/report-type="?delivery-status/i.test(type)) {
    return [];
  }
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!boundary) {
    return [];
  }
  const parts = source.split(`--${boundary}`).slice(1);
  let messageId: string | undefined;
  const blocks: string[] = [];
  for (const part of parts) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) {
      continue;
    }
    const partType = fieldsOf(part.slice(0, split)).get("content-type") ?? "";
    const body = part.slice(split).trim();
    if (/message\/delivery-status/i.test(partType)) {
      // Per-message fields, then one block per recipient, separated by blank lines.
      blocks.push(...body.split(/\r?\n\r?\n/).slice(1));
    } else if (/text\/rfc822-headers|message\/rfc822/i.test(partType)) {
      messageId = fieldsOf(body.split(/\r?\n\r?\n/)[0] ?? "").get("message-id");
    }
  }
  return blocks.flatMap((block) => {
    const f = fieldsOf(block);
    const recipient = addressOf(f.get("final-recipient") ?? f.get("original-recipient"));
    if (!recipient) {
      return [];
    }
    return [
      {
        recipient,
        status: (f.get("status") ?? "").split(/\s/)[0] ?? "",
        action: (f.get("action") ?? "").toLowerCase(),
        diagnostic: (f.get("diagnostic-code") ?? "").slice(0, 500),
        messageId,
      },
    ];
  });
}

const UUID = /^<?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@/i;

/**
 * Applies a hard bounce (action `failed`, status 5.x.x; delays and soft failures change nothing): the
 * mail it names (by Message-ID, which is the delivery id) becomes `bounced`, its address is marked
 * bouncing in that tenant, and `vextrus.notification.delivery.bounced` and
 * `vextrus.notification.address.bounced` are emitted once (a DSN read twice changes nothing).
 * Returns whether it applied.
 */
export async function applyBounce(db: Database, bounce: Bounce, now: Date): Promise<boolean> {
  if (bounce.action !== "failed" || !bounce.status.startsWith("5")) {
    return false;
  }
  const id = bounce.messageId ? UUID.exec(bounce.messageId)?.[1] : undefined;
  if (!id) {
    return false;
  }
  const [found] = await db.privileged(async (tx) =>
    rowsOf<{ tenant_id: string; address: string }>(
      await tx.execute(
        sql`select tenant_id, address from ${deliveries} where id = ${id} and channel = 'email'`,
      ),
    ),
  );
  if (!found || found.address.toLowerCase() !== bounce.recipient) {
    return false;
  }
  const reason = `${bounce.status} ${bounce.diagnostic}`.trim().slice(0, 1000);
  return db.tenant(found.tenant_id, async (tx) => {
    const [changed] = await tx
      .update(deliveries)
      .set({ status: "bounced", lastError: reason, deliveredAt: now })
      .where(and(eq(deliveries.id, id), inArray(deliveries.status, ["sent", "delivered"])))
      .returning({ id: deliveries.id });
    if (!changed) {
      return false;
    }
    const address = bounce.recipient;
    await tx
      .insert(bouncingAddresses)
      .values({ tenantId: found.tenant_id, address, deliveryId: id, reason, bouncedAt: now })
      .onConflictDoUpdate({
        target: [bouncingAddresses.tenantId, bouncingAddresses.address],
        set: { deliveryId: id, reason, bouncedAt: now },
      });
    const common = { tenantId: found.tenant_id, actorId: null };
    await emit(tx, outbox, {
      ...common,
      subject: id,
      type: "vextrus.notification.delivery.bounced",
      data: { id, channel: "email", detail: reason },
    });
    await emit(tx, outbox, {
      ...common,
      subject: id,
      type: "vextrus.notification.address.bounced",
      data: { address, deliveryId: id, reason },
    });
    return true;
  });
}

/**
 * The user verified their e-mail again (auth's `contact_verified`): their current address is no
 * longer bouncing, and `vextrus.notification.address.cleared` says so.
 */
export async function clearBounce(tx: Tx, tenantId: string, userId: string) {
  const [contact] = await tx
    .select({ email: contacts.email })
    .from(contacts)
    .where(eq(contacts.userId, userId))
    .limit(1);
  if (!contact?.email) {
    return;
  }
  const address = contact.email.toLowerCase();
  const [cleared] = await tx
    .delete(bouncingAddresses)
    .where(eq(bouncingAddresses.address, address))
    .returning({ deliveryId: bouncingAddresses.deliveryId });
  if (cleared) {
    await emit(tx, outbox, {
      tenantId,
      actorId: userId,
      subject: cleared.deliveryId,
      type: "vextrus.notification.address.cleared",
      data: { address, userId },
    });
  }
}
