import { AppError } from "@vextrus/platform";
import { z } from "zod";
import type { NotifyContext } from "../deps.ts";
import { contactsOf } from "./directory.ts";
import { enqueue, type Wanted } from "./queue.ts";
import { toUsers } from "./recipients.ts";

const Attachment = z.union([z.strictObject({ fileId: z.uuid() }), z.strictObject({ documentId: z.uuid() })]);

export const SendDocumentsInput = z
  .strictObject({
    /** Users of the tenant (in-app, and e-mail/SMS as their preferences say). */
    userIds: z.array(z.uuid()).max(20).default([]),
    /** Any e-mail addresses (a buyer receiving its Mushak-6.3). */
    emails: z.array(z.email().max(254)).max(20).default([]),
    /** Stored files (file-storage) or issued documents (their PDF), 1 to 5. */
    attachments: z.array(Attachment).min(1).max(5),
    note: z.string().trim().max(2000).optional(),
    /** The language of mail to `emails` (users get theirs); default: the service's. */
    locale: z.enum(["bn", "en"]).optional(),
  })
  .refine((input) => input.userIds.length + input.emails.length > 0, {
    path: ["emails"],
    message: "name at least one recipient in userIds or emails / userIds বা emails-এ অন্তত একজন প্রাপক দিন",
  });

const noSource = new AppError("UNAVAILABLE", "notification.attachments.unconfigured", {
  en: "Attachments cannot be read here (file-storage, document-generator or SERVICE_TOKEN_SECRET not configured)",
  bn: "এখানে সংযুক্তি পড়া যায় না (file-storage, document-generator বা SERVICE_TOKEN_SECRET কনফিগার করা নেই)",
});

/**
 * Sends stored files or issued documents to users and e-mail addresses as attachments. The caller
 * must be able to read each (checked now, with their own token); the dispatcher reads them again as
 * the caller when each mail is sent, so what leaves is what the caller may read at that moment.
 * Answers the message id (every delivery's event id) and how many deliveries were queued.
 */
export async function sendDocuments({
  ctx,
  input,
}: {
  ctx: NotifyContext;
  input: z.infer<typeof SendDocumentsInput>;
}) {
  const source = ctx.deps.attachments;
  if (!source) {
    throw noSource;
  }
  const names = await source.check(input.attachments, ctx);
  const messageId = Bun.randomUUIDv7();
  const sender = ctx.principal.userId;
  // What the dispatcher's token may do when it reads the attachments: the sender's reads, no writes.
  const reads = ctx.principal.permissions.filter((p) => p.endsWith(":read") || p.endsWith(":*"));
  const queued = await ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const me = (await contactsOf(tx, [sender])).get(sender);
    const values = () => ({
      sender: me?.name ?? me?.email ?? "Vextrus",
      files: names.map((name) => ({ name })),
      note: input.note ?? "",
    });
    const extra = { attachments: input.attachments, requestedBy: sender, requestedPermissions: reads };
    const toEmails: Wanted[] = [...new Set(input.emails.map((e) => e.toLowerCase()))].map((address) => ({
      channel: "email",
      recipientId: null,
      address,
      template: "document_sent",
      values,
      ...extra,
    }));
    const toMembers = (await toUsers(tx, input.userIds, "document_sent", values, input.attachments)).map(
      (want) => ({ ...want, requestedBy: sender, requestedPermissions: reads }),
    );
    return enqueue(tx, { id: messageId, tenantid: ctx.tenantId }, [...toMembers, ...toEmails], {
      defaultLocale: input.locale ?? ctx.deps.settings.defaultLocale,
      clock: ctx.deps.clock,
      smsSegmentPoisha: ctx.deps.settings.smsSegmentPoisha,
    });
  });
  return { messageId, queued, attachments: names };
}
