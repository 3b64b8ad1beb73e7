/**
 * Tokens for the security suites. Good ones are signed with auth's real signing key, read from auth's
 * test database as an attacker who stole it would (auth stores it unsealed when SIGNING_KEY_SECRET is
 * unset); bad ones are every way a token can be wrong.
 */
import postgres from "postgres";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

export interface Claims {
  tenantId: string;
  userId: string;
  permissions: readonly string[];
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  issuer?: string;
}

async function signWith(key: CryptoKey, kid: string, claims: Claims): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = claims.expiresIn ?? 600;
  const head = b64({ alg: "EdDSA", kid, typ: "JWT" });
  const body = b64({
    sub: claims.userId,
    tid: claims.tenantId,
    perms: [...claims.permissions],
    iss: claims.issuer ?? "vextrus-auth",
    iat: Math.min(now, now + expiresIn - 60),
    exp: now + expiresIn,
    jti: Bun.randomUUIDv7(),
  });
  const signature = await crypto.subtle.sign("Ed25519", key, new TextEncoder().encode(`${head}.${body}`));
  return `${head}.${body}.${Buffer.from(signature).toString("base64url")}`;
}

/** Signs tokens as auth does, with the key auth is signing with right now. */
export async function authKeySigner(authDatabaseUrl: string) {
  const sql = postgres(authDatabaseUrl, { max: 1, onnotice: () => {} });
  const [row] = await sql<{ kid: string; private_key: string }[]>`
    select kid, private_key from auth.signing_keys where status = 'active'`;
  await sql.end();
  if (!row?.private_key.startsWith("plain:")) {
    throw new Error(
      "auth's active signing key is not readable (sealed or missing): the suite needs it unsealed",
    );
  }
  const jwk = JSON.parse(row.private_key.slice("plain:".length)) as JsonWebKey;
  const key = await crypto.subtle.importKey("jwk", jwk, { name: "Ed25519" }, false, ["sign"]);
  const kid = row.kid;
  return {
    kid,
    sign: (claims: Claims) => signWith(key, kid, claims),
  };
}

export type AuthKeySigner = Awaited<ReturnType<typeof authKeySigner>>;

/** Tokens that must all be refused as UNAUTHORIZED, for a caller who would otherwise be allowed. */
export async function badTokens(signer: AuthKeySigner, claims: Claims): Promise<Record<string, string>> {
  const good = await signer.sign(claims);
  const [head = "", body = ""] = good.split(".");
  const foreign = (await crypto.subtle.generateKey("Ed25519", false, ["sign"])) as CryptoKeyPair;
  const noneHead = b64({ alg: "none", typ: "JWT" });
  const hmacHead = b64({ alg: "HS256", kid: signer.kid, typ: "JWT" });
  const hmacKey = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(signer.kid),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const hmac = await crypto.subtle.sign("HMAC", hmacKey, new TextEncoder().encode(`${hmacHead}.${body}`));
  const original = JSON.parse(Buffer.from(body, "base64url").toString()) as Record<string, unknown>;
  const tampered = b64({ ...original, perms: ["*", "platform:*"], sub: Bun.randomUUIDv7() });
  return {
    expired: await signer.sign({ ...claims, expiresIn: -120 }),
    "foreign signature": await signWith(foreign.privateKey, signer.kid, claims),
    "alg none": `${noneHead}.${body}.`,
    "HS256 with the kid as secret": `${hmacHead}.${body}.${Buffer.from(hmac).toString("base64url")}`,
    "tampered claims": `${head}.${tampered}.${good.split(".")[2] ?? ""}`,
    "another issuer": await signer.sign({ ...claims, issuer: "evil-issuer" }),
    garbage: "not.a.jwt",
    "empty bearer": "",
  };
}
