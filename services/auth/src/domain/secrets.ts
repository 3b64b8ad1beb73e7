import { createHmac, timingSafeEqual } from "node:crypto";

/** SHA-256 hex: how high-entropy secrets (refresh tokens, reset tokens, API keys) are stored. */
export const sha256 = (text: string): string => new Bun.CryptoHasher("sha256").update(text).digest("hex");

/** `bytes` random bytes as lowercase hex. */
export function randomHex(bytes = 32): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");
}

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

const UUID_HEX = /^[0-9a-f]{32}$/;

export const uuidToHex = (uuid: string) => uuid.replaceAll("-", "");
export function hexToUuid(hex: string): string | undefined {
  if (!UUID_HEX.test(hex)) {
    return undefined;
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A bearer secret that names its row: `<tenant uuid>.<row uuid>.<64 hex>`. The tenant id lets the
 * verb open the tenant's transaction; only the SHA-256 of the whole string is stored.
 */
export function mintToken(tenantId: string, rowId: string): string {
  return `${tenantId}.${rowId}.${randomHex(32)}`;
}

const TOKEN = /^([0-9a-f-]{36})\.([0-9a-f-]{36})\.([0-9a-f]{64})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function parseToken(token: string): { tenantId: string; rowId: string } | undefined {
  const match = TOKEN.exec(token);
  const tenantId = match?.[1];
  const rowId = match?.[2];
  if (!tenantId || !rowId || !UUID.test(tenantId) || !UUID.test(rowId)) {
    return undefined;
  }
  return { tenantId, rowId };
}

/**
 * The token that replaces `presented` in a rotation: its row id is chosen by the server, its secret is
 * an HMAC keyed by the presented token, so only a holder of that token can compute it again (the server
 * keeps hashes only). This is what lets a refresh retried within the grace window get the same token.
 */
export function successorToken(presented: string, tenantId: string, rowId: string): string {
  return `${tenantId}.${rowId}.${createHmac("sha256", presented).update(`successor:${rowId}`).digest("hex")}`;
}
