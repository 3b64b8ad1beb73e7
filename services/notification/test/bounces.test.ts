/**
 * E-mail bounces read from a real bounce mailbox over IMAP (GreenMail): a mail sent with the bounce
 * address as its envelope sender, a DSN for it delivered to that mailbox as an MTA would, the address
 * marked bouncing with its events, nothing more sent to it until the user verifies it again.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { buildEvent } from "@vextrus/events";
import { rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import nodemailer from "nodemailer";
import { readBounces } from "../src/channels/bounce-mailbox.ts";
import { smtpChannel } from "../src/channels/email.ts";
import { applyBounce, clearBounce, parseDsn } from "../src/domain/bounces.ts";
import { upsertContact } from "../src/domain/directory.ts";
import { dispatchOnce } from "../src/domain/dispatch.ts";
import { enqueue } from "../src/domain/queue.ts";
import { mailbox, type NotificationHarness, smtpUrl, startNotification } from "./harness.ts";
import { dispatcherFor, eventually } from "./kafka.ts";

let h: NotificationHarness;
const bounceAddress = `bounces-${Bun.randomUUIDv7()}@vextrus.test`;
const smtp = () => smtpChannel(smtpUrl(), "Vextrus <no-reply@vextrus.test>", bounceAddress);

beforeAll(async () => {
  h = await startNotification("bounces");
}, 60_000);
afterAll(async () => {
  await h.stop();
});

function imapUrl() {
  const imap = process.env.TEST_IMAP_URL;
  if (!imap) {
    throw new Error("TEST_IMAP_URL is not set: run the suite through scripts/test.ts (it starts GreenMail)");
  }
  const url = new URL(imap);
  url.username = encodeURIComponent(bounceAddress);
  url.password = "any";
  url.pathname = "/INBOX";
  return url.toString();
}

/** A DSN (RFC 3464) for `messageId` to `recipient`, as an MTA returns it to the envelope sender. */
function dsn(recipient: string, messageId: string, status = "5.1.1", action = "failed") {
  const boundary = `dsn-${Bun.randomUUIDv7()}`;
  return [
    "From: Mail Delivery System <MAILER-DAEMON@mx.example.test>",
    `To: ${bounceAddress}`,
    "Subject: Undelivered Mail Returned to Sender",
    "MIME-Version: 1.0",
    `Content-Type: multipart/report; report-type=delivery-status;`,
    `\tboundary="${boundary}"`,
    "",
    `--${boundary}`,
    "Content-Type: text/plain; charset=us-ascii",
    "",
    "Your message could not be delivered.",
    "",
    `--${boundary}`,
    "Content-Type: message/delivery-status",
    "",
    "Reporting-MTA: dns; mx.example.test",
    "",
    `Final-Recipient: rfc822; ${recipient}`,
    `Action: ${action}`,
    `Status: ${status}`,
    "Diagnostic-Code: smtp; 550 5.1.1 <mailbox> User unknown",
    "",
    `--${boundary}`,
    "Content-Type: text/rfc822-headers",
    "",
    "From: Vextrus <no-reply@vextrus.test>",
    `To: ${recipient}`,
    `Message-ID: ${messageId}`,
    "Subject: A task is waiting",
    "",
    `--${boundary}--`,
    "",
  ].join("\r\n");
}

/** One task mail for `address` in `tenantId`, queued by the real path; its delivery id. */
async function queueMail(tenantId: string, address: string, userId: string | null = null) {
  const { event } = buildEvent({
    type: "vextrus.workflow.task.assigned",
    tenantId,
    subject: Bun.randomUUIDv7(),
    data: { id: Bun.randomUUIDv7(), instanceId: Bun.randomUUIDv7(), assigneeId: Bun.randomUUIDv7() },
  });
  await h.db.tenant(tenantId, (tx) =>
    enqueue(
      tx,
      event,
      [
        {
          channel: "email",
          recipientId: userId,
          address,
          template: "task_assigned",
          values: () => ({ link: "https://x/t" }),
        },
      ],
      { defaultLocale: "en", clock: h.clock.read },
    ),
  );
  const [row] = await h.db.tenant(tenantId, async (tx) =>
    rowsOf<{ id: string }>(
      await tx.execute(sql`select id from notification.deliveries where event_id = ${event.id}`),
    ),
  );
  return row?.id ?? "";
}

const rowOf = (tenantId: string, id: string) =>
  h.db.tenant(tenantId, async (tx) => {
    const [row] = rowsOf<{ status: string; last_error: string | null }>(
      await tx.execute(sql`select status, last_error from notification.deliveries where id = ${id}`),
    );
    return row;
  });

const eventsOf = (tenantId: string) =>
  h.db.privileged(async (tx) =>
    rowsOf<{ type: string; payload: { data: Record<string, unknown> } }>(
      await tx.execute(
        sql`select event->>'type' as type, event as payload from notification.outbox where tenant_id = ${tenantId} order by id`,
      ),
    ),
  );

describe("a DSN in the bounce mailbox", () => {
  test("marks the address bouncing (events once), holds later mail, and verification clears it", async () => {
    const tenantId = Bun.randomUUIDv7();
    const userId = Bun.randomUUIDv7();
    const address = `gone-${Bun.randomUUIDv7()}@example.test`;
    const first = await queueMail(tenantId, address, userId);
    expect(await dispatchOnce(dispatcherFor(h, smtp()))).toBeGreaterThanOrEqual(1);
    expect((await rowOf(tenantId, first))?.status).toBe("sent");
    // The mail went out with the bounce address as its envelope sender (GreenMail shows Return-Path).
    const [sent] = await eventually(
      () => mailbox(address),
      (m) => m.length === 1,
    );
    expect(sent?.mimeMessage).toContain(`Return-Path: <${bounceAddress}>`);

    // The receiving MTA refuses it later and returns a DSN to the envelope sender (an MTA sends it
    // from the null sender <>, which GreenMail refuses: a daemon address stands in).
    const mta = nodemailer.createTransport(smtpUrl());
    await mta.sendMail({
      envelope: { from: "mailer-daemon@mx.example.test", to: bounceAddress },
      raw: dsn(address, `<${first}@vextrus.local>`),
    });
    // Also a delay notice (4.x.x) and a mail that is not a DSN: neither changes anything.
    await mta.sendMail({
      envelope: { from: "mailer-daemon@mx.example.test", to: bounceAddress },
      raw: dsn(address, `<${first}@vextrus.local>`, "4.4.1", "delayed"),
    });
    await mta.sendMail({
      from: "someone@example.test",
      to: bounceAddress,
      subject: "hello",
      text: "not a bounce",
    });
    await eventually(
      () => mailbox(bounceAddress),
      (m) => m.length === 3,
    );

    expect(await readBounces({ db: h.db, url: imapUrl(), log: h.log, clock: h.clock.read })).toBe(1);
    const bounced = await rowOf(tenantId, first);
    expect(bounced?.status).toBe("bounced");
    expect(bounced?.last_error).toContain("5.1.1");
    const types = (await eventsOf(tenantId)).map((e) => e.type);
    expect(types.filter((t) => t === "vextrus.notification.delivery.bounced")).toHaveLength(1);
    const marked = (await eventsOf(tenantId)).filter(
      (e) => e.type === "vextrus.notification.address.bounced",
    );
    expect(marked.map((e) => e.payload.data.address)).toEqual([address]);
    // Read again: every mail is seen now, and the same DSN applied twice changes nothing.
    expect(await readBounces({ db: h.db, url: imapUrl(), log: h.log, clock: h.clock.read })).toBe(0);
    const again = parseDsn(dsn(address, `<${first}@vextrus.local>`));
    expect(again).toHaveLength(1);
    expect(await applyBounce(h.db, again[0] ?? ({} as never), h.clock.read())).toBe(false);

    // Later mail to it is not sent: failed at once, nothing more in its mailbox.
    const second = await queueMail(tenantId, address, userId);
    await dispatchOnce(dispatcherFor(h, smtp()));
    const held = await rowOf(tenantId, second);
    expect(held?.status).toBe("failed");
    expect(held?.last_error).toContain("bounced");
    expect(await mailbox(address)).toHaveLength(1);

    // Another tenant mailing the same address is not affected (a bounce is per tenant).
    const otherTenant = Bun.randomUUIDv7();
    const other = await queueMail(otherTenant, address);
    await dispatchOnce(dispatcherFor(h, smtp()));
    expect((await rowOf(otherTenant, other))?.status).toBe("sent");

    // The user verifies the address again (auth's contact_verified): mail goes to it again.
    await h.db.tenant(tenantId, async (tx) => {
      await upsertContact(tx, tenantId, { userId, email: address, emailVerified: true }, h.clock.read());
      await clearBounce(tx, tenantId, userId);
    });
    expect((await eventsOf(tenantId)).map((e) => e.type)).toContain("vextrus.notification.address.cleared");
    const third = await queueMail(tenantId, address, userId);
    await dispatchOnce(dispatcherFor(h, smtp()));
    expect((await rowOf(tenantId, third))?.status).toBe("sent");
  }, 120_000);

  test("a DSN for a mail of another address, or naming no Vextrus mail, marks nothing", async () => {
    const tenantId = Bun.randomUUIDv7();
    const address = `real-${Bun.randomUUIDv7()}@example.test`;
    const id = await queueMail(tenantId, address);
    await dispatchOnce(dispatcherFor(h, smtp()));
    const [wrongRecipient] = parseDsn(dsn(`someone-else@example.test`, `<${id}@vextrus.local>`));
    expect(await applyBounce(h.db, wrongRecipient ?? ({} as never), h.clock.read())).toBe(false);
    const [foreign] = parseDsn(dsn(address, "<abc@elsewhere.example>"));
    expect(await applyBounce(h.db, foreign ?? ({} as never), h.clock.read())).toBe(false);
    expect((await rowOf(tenantId, id))?.status).toBe("sent");
    expect(parseDsn("Subject: hi\r\n\r\nnot a report")).toEqual([]);
  }, 60_000);
});
