/**
 * Where a webhook may point. In production (the default) an address that resolves to loopback,
 * link-local, private, shared (CGNAT), multicast or otherwise reserved space is refused (SSRF: a tenant
 * must not make our servers call our own network), both when the subscription is saved and before every
 * delivery (DNS may change). `allowPrivate` (WEBHOOKS_ALLOW_PRIVATE_TARGETS) lifts this for local
 * development and tests only.
 */
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { invalidField } from "@vextrus/platform";

const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

/** Whether an IP address is in a range a webhook may not reach in production. */
export function isBlockedAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) {
    return blocked.check(mapped[1], "ipv4");
  }
  const family = isIP(address);
  return family === 0 || blocked.check(address, family === 4 ? "ipv4" : "ipv6");
}

const refuse = (en: string, bn: string) => invalidField("url", "webhooks.url.refused", { en, bn });

/** Checks a webhook URL; returns it normalised, or throws a 400 on `url` saying why. */
export async function checkTarget(url: string, options: { allowPrivate: boolean }): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refuse("The webhook URL is not a valid URL", "ওয়েবহুক URL টি সঠিক নয়");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw refuse(
      "A webhook URL must start with https:// or http://",
      "ওয়েবহুক URL অবশ্যই https:// বা http:// দিয়ে শুরু হতে হবে",
    );
  }
  if (parsed.username || parsed.password) {
    throw refuse(
      "A webhook URL must not carry a user name or password; use the signature to authenticate us",
      "ওয়েবহুক URL-এ ব্যবহারকারীর নাম বা পাসওয়ার্ড রাখা যাবে না; আমাদের যাচাই করতে সিগনেচার ব্যবহার করুন",
    );
  }
  if (options.allowPrivate) {
    return parsed.toString();
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  try {
    addresses = isIP(host)
      ? [host]
      : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    throw refuse(`The webhook host "${host}" does not resolve`, `ওয়েবহুক হোস্ট "${host}" খুঁজে পাওয়া যায়নি`);
  }
  const inside = addresses.find(isBlockedAddress);
  if (inside !== undefined || addresses.length === 0) {
    throw refuse(
      `The webhook URL resolves to ${inside ?? "no address"}, a loopback, link-local or private address: webhooks only go to public Internet addresses`,
      `ওয়েবহুক URL টি ${inside ?? "কোনো ঠিকানায় নয়"} ঠিকানায় যায়, যা লুপব্যাক, লিংক-লোকাল বা প্রাইভেট ঠিকানা: ওয়েবহুক শুধু পাবলিক ইন্টারনেট ঠিকানায় পাঠানো হয়`,
    );
  }
  return parsed.toString();
}
