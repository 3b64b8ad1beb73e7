import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import nodemailer from "nodemailer";
import type { Accepted, Channel, OutgoingMessage } from "./types.ts";

const DOMAIN = "vextrus.local";

/** nodemailer's message: UTF-8 HTML and text parts, RFC 2047 encoded-words for a Bengali subject. */
function mailOf(from: string, message: OutgoingMessage, returnPath?: string) {
  return {
    from,
    // The envelope sender: where servers send a bounce (a DSN) for this mail.
    ...(returnPath ? { envelope: { from: returnPath, to: message.to } } : {}),
    to: message.to,
    subject: message.subject,
    text: message.text,
    ...(message.html ? { html: message.html } : {}),
    messageId: `<${message.id}@${DOMAIN}>`,
    ...(message.attachments?.length
      ? {
          attachments: message.attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            content: Buffer.from(a.content),
          })),
        }
      : {}),
    textEncoding: "base64" as const,
  };
}

/** Mail through an SMTP server (`smtp://host:port`, `smtps://user:pass@host:465`). */
export function smtpChannel(url: string, from: string, returnPath?: string): Channel & { close(): void } {
  const pooled = new URL(url);
  pooled.searchParams.set("pool", "true");
  // A send that hangs would hold the dispatcher's pass: fail it instead, so it is retried later.
  for (const [name, ms] of [
    ["connectionTimeout", "10000"],
    ["greetingTimeout", "10000"],
    ["socketTimeout", "30000"],
  ] as const) {
    if (!pooled.searchParams.has(name)) {
      pooled.searchParams.set(name, ms);
    }
  }
  const transport = nodemailer.createTransport(pooled.toString());
  return {
    name: "smtp",
    async send(message): Promise<Accepted> {
      const info = await transport.sendMail(mailOf(from, message, returnPath));
      if (info.rejected.length > 0) {
        throw new Error(`the SMTP server refused ${info.rejected.join(", ")}: ${info.response}`);
      }
      return { providerId: info.messageId };
    },
    close: () => transport.close(),
  };
}

/** The embedded default: each mail written as an `.eml` file a person can open, under `dir`. */
export function folderChannel(dir: string, from: string): Channel {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    name: "folder",
    async send(message): Promise<Accepted> {
      const info = await transport.sendMail(mailOf(from, message));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${message.id}.eml`), info.message as Buffer);
      return { providerId: info.messageId };
    },
  };
}
