/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): every delivery carries `webhook-id`
 * (the message id, the same on every retry so receivers can dedupe), `webhook-timestamp` (Unix seconds
 * of this attempt) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body` keyed by
 * the secret's bytes). Secrets are `whsec_` + base64 of at least 24 random bytes.
 */
import { createHmac, randomBytes } from "node:crypto";
import { invalidField } from "@vextrus/platform";

const PREFIX = "whsec_";
const MIN_KEY_BYTES = 24;

/** A new secret: `whsec_` + base64 of 32 random bytes. */
export const newSecret = (): string => `${PREFIX}${randomBytes(32).toString("base64")}`;

/** The key bytes of a secret; a malformed one is a 400 on the field `secret`. */
export function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : "";
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, "base64") : Buffer.alloc(0);
  if (key.length < MIN_KEY_BYTES) {
    throw invalidField("secret", "webhooks.secret.invalid", {
      en: `A webhook secret is "whsec_" followed by the base64 of at least ${MIN_KEY_BYTES} random bytes; leave it out and one is made for you`,
      bn: `ওয়েবহুক সিক্রেট হলো "whsec_" এবং তার পরে অন্তত ${MIN_KEY_BYTES}টি র‍্যান্ডম বাইটের base64; না দিলে একটি তৈরি করে দেওয়া হবে`,
    });
  }
  return key;
}

export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** The three headers of one delivery attempt of `body` (the exact bytes sent). */
export function sign(secret: string, messageId: string, at: Date, body: string): SignedHeaders {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const mac = createHmac("sha256", secretKey(secret))
    .update(`${messageId}.${timestamp}.${body}`)
    .digest("base64");
  return { "webhook-id": messageId, "webhook-timestamp": timestamp, "webhook-signature": `v1,${mac}` };
}
