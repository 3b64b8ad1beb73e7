import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { testSetting } from "./env.ts";

/** One mail as a test reads it: its recipients, subject and decoded text part. */
export interface ReadMail {
  to: string;
  subject: string;
  text: string;
}

const header = (head: string, name: string) =>
  new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, "im")
    .exec(head)?.[1]
    ?.replace(/\r?\n[ \t]+/g, " ") ?? "";

/** RFC 2047 encoded-words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`) decoded. */
const words = (value: string) =>
  value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, kind: string, text: string) =>
    kind.toLowerCase() === "b"
      ? Buffer.from(text, "base64").toString("utf8")
      : Buffer.from(
          text
            .replace(/_/g, " ")
            .replace(/=([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
          "latin1",
        ).toString("utf8"),
  );

function decodePart(head: string, body: string): string {
  const encoding = header(head, "content-transfer-encoding").toLowerCase();
  if (encoding === "base64") {
    return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  }
  if (encoding === "quoted-printable") {
    const bytes = body
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    return Buffer.from(bytes, "latin1").toString("utf8");
  }
  return body;
}

/** The text/plain part of a MIME message (the whole body of a single-part one). */
function textPart(head: string, body: string): string | undefined {
  const type = header(head, "content-type");
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!boundary) {
    return /^text\/plain/i.test(type) || type === "" ? decodePart(head, body) : undefined;
  }
  for (const part of body.split(`--${boundary}`).slice(1)) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) {
      continue;
    }
    const found = textPart(part.slice(0, split), part.slice(split).replace(/^\r?\n\r?\n/, ""));
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}

/** Reads one raw MIME message (an `.eml` file, GreenMail's `mimeMessage`). */
export function parseMail(raw: string): ReadMail {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split);
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, "");
  return {
    to: header(head, "to"),
    subject: words(header(head, "subject")),
    text: textPart(head, body) ?? "",
  };
}

/** The mails written as `.eml` files in `dir` (the embedded mail folder) to `address`. */
export function mailsInFolder(dir: string, address: string): ReadMail[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith(".eml"));
  } catch {
    return [];
  }
  return names
    .sort()
    .map((name) => parseMail(readFileSync(join(dir, name), "utf8")))
    .filter((mail) => mail.to.toLowerCase().includes(address.toLowerCase()));
}

/** The secret of a console link in a mail (`…/<page>?token=<token>`), or undefined. */
export function linkToken(text: string, page: string): string | undefined {
  const match = new RegExp(`/${page}\\?token=([^\\s"<>&]+)`).exec(text);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

/** Waits for a mail to `address` in `dir` with a `page` link and returns its token (the newest one). */
export async function tokenFromFolder(dir: string, address: string, page: string, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const tokens = mailsInFolder(dir, address).flatMap((mail) => linkToken(mail.text, page) ?? []);
    const last = tokens.at(-1);
    if (last) {
      return last;
    }
    if (Date.now() > until) {
      throw new Error(`no mail to ${address} with a /${page} link in ${dir} after ${timeoutMs} ms`);
    }
    await Bun.sleep(25);
  }
}

/** The mails GreenMail (the test run's SMTP server, TEST_MAIL_API) holds for `address`. */
export async function greenMailFor(address: string): Promise<ReadMail[]> {
  const res = await fetch(
    `${testSetting("TEST_MAIL_API")}/api/user/${encodeURIComponent(address)}/messages/`,
  );
  if (res.status === 404 || res.status === 400) {
    // GreenMail answers 400 for an address that has received nothing yet.
    await res.body?.cancel();
    return [];
  }
  if (!res.ok) {
    throw new Error(`GreenMail answered ${res.status}: ${await res.text()}`);
  }
  return ((await res.json()) as { mimeMessage: string }[]).map((m) => parseMail(m.mimeMessage));
}

/** Waits for a mail to `address` in GreenMail with a `page` link and returns its token (the newest). */
export async function tokenFromGreenMail(address: string, page: string, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const tokens = (await greenMailFor(address)).flatMap((mail) => linkToken(mail.text, page) ?? []);
    const last = tokens.at(-1);
    if (last) {
      return last;
    }
    if (Date.now() > until) {
      throw new Error(`no mail to ${address} with a /${page} link in GreenMail after ${timeoutMs} ms`);
    }
    await Bun.sleep(50);
  }
}
