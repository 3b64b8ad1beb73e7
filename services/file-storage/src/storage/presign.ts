import { createHash, createHmac } from "node:crypto";

/**
 * SigV4 query signatures for S3 presigned URLs, computed synchronously with node:crypto. aws4fetch
 * (which still signs the service's own S3 calls) presigns through WebCrypto: each URL costs it a
 * SHA-256 and an HMAC round trip through promises, ~0.1 ms of CPU; a file needs two or more URLs.
 * Same algorithm, same output (test/presign.test.ts compares it with aws4fetch's).
 */
export interface PresignCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** RFC 3986 encoding, as SigV4 wants it (unreserved characters only left as they are). */
const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();

export function createPresigner(credentials: PresignCredentials) {
  let signingKey: { day: string; key: Buffer } | undefined;
  const keyFor = (day: string) => {
    if (signingKey?.day !== day) {
      const dated = hmac(`AWS4${credentials.secretAccessKey}`, day);
      const key = hmac(hmac(hmac(dated, credentials.region), "s3"), "aws4_request");
      signingKey = { day, key };
    }
    return signingKey.key;
  };

  /**
   * `url` (absolute, its path already URI-encoded, its query `name=value` pairs encoded) signed for
   * `method` and `ttlSeconds`; `headers` (lowercase names) are signed, so the caller must send them.
   */
  return function presign(
    method: string,
    url: string,
    ttlSeconds: number,
    headers: Record<string, string> = {},
    now = new Date(),
  ): string {
    const target = new URL(url);
    const amzDate = now
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "");
    const day = amzDate.slice(0, 8);
    const scope = `${day}/${credentials.region}/s3/aws4_request`;
    const signed: [string, string][] = [["host", target.host]];
    for (const [name, value] of Object.entries(headers)) {
      signed.push([name.toLowerCase(), value.trim()]);
    }
    signed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const signedHeaders = signed.map(([name]) => name).join(";");
    const params: [string, string][] = [...target.searchParams.entries()].map(([k, v]) => [
      encode(k),
      encode(v),
    ]);
    params.push(
      ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
      ["X-Amz-Credential", encode(`${credentials.accessKeyId}/${scope}`)],
      ["X-Amz-Date", amzDate],
      ["X-Amz-Expires", String(ttlSeconds)],
      ["X-Amz-SignedHeaders", encode(signedHeaders)],
    );
    params.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
    const query = params.map(([k, v]) => `${k}=${v}`).join("&");
    const canonical = [
      method,
      target.pathname,
      query,
      signed.map(([name, value]) => `${name}:${value}\n`).join(""),
      signedHeaders,
      "UNSIGNED-PAYLOAD",
    ].join("\n");
    const toSign = [
      "AWS4-HMAC-SHA256",
      amzDate,
      scope,
      createHash("sha256").update(canonical).digest("hex"),
    ].join("\n");
    const signature = createHmac("sha256", keyFor(day)).update(toSign).digest("hex");
    return `${target.origin}${target.pathname}?${query}&X-Amz-Signature=${signature}`;
  };
}
