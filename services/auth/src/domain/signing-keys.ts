import { PLATFORM_TENANT_ID } from "@vextrus/events";
import { JWKS_COOLDOWN_MS } from "@vextrus/platform";
import type { Database, Tx } from "@vextrus/platform/db";
import { eq, gt, or } from "drizzle-orm";
import type { JWK } from "jose";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from "jose";
import { signingKeys } from "../db/schema.ts";
import type { Clock } from "./clock.ts";
import { addSeconds } from "./clock.ts";
import { emitEvent } from "./events.ts";

const ALG = "EdDSA";
const DEFAULT_RELOAD_MS = 30_000;
/** How long past its last token's expiry a retired key is still published (clock skew). */
const SKEW_SECONDS = 60;
/**
 * A new key is published this long before it signs, and the key it replaces signs until then: a
 * service that fetched the JWKS just before a rotation may refetch (after its cooldown) before the
 * first token of the new key reaches it, so no token is ever refused for an unknown kid.
 */
export const ACTIVATION_SECONDS = (2 * JWKS_COOLDOWN_MS) / 1000;

/** A key that signs access tokens, taken before the transaction that issues them. */
export interface Signer {
  kid: string;
  privateKey: CryptoKey | Uint8Array;
}

interface LoadedKey {
  kid: string;
  status: "active" | "retired";
  createdAt: Date;
  publicJwk: JWK;
  publicKey: CryptoKey | Uint8Array;
  privateKey: CryptoKey | Uint8Array | undefined;
}

/** Seals private JWKs with AES-256-GCM under a key derived from a configured secret. */
class Sealer {
  readonly #key: Promise<CryptoKey> | undefined;

  constructor(secret: string | undefined) {
    this.#key = secret
      ? crypto.subtle
          .importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"])
          .then((base) =>
            crypto.subtle.deriveKey(
              {
                name: "HKDF",
                hash: "SHA-256",
                salt: new TextEncoder().encode("vextrus-auth"),
                info: new TextEncoder().encode("signing-keys"),
              },
              base,
              { name: "AES-GCM", length: 256 },
              false,
              ["encrypt", "decrypt"],
            ),
          )
      : undefined;
  }

  async seal(jwk: JWK): Promise<string> {
    const text = JSON.stringify(jwk);
    if (!this.#key) {
      return `plain:${text}`;
    }
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv },
      await this.#key,
      new TextEncoder().encode(text),
    );
    return `aesgcm:${Buffer.from(iv).toString("base64")}:${Buffer.from(data).toString("base64")}`;
  }

  async open(sealed: string): Promise<JWK | undefined> {
    if (sealed.startsWith("plain:")) {
      return JSON.parse(sealed.slice(6)) as JWK;
    }
    const [, iv, data] = sealed.split(":");
    if (!this.#key || !iv || !data) {
      return undefined;
    }
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: Buffer.from(iv, "base64") },
      await this.#key,
      Buffer.from(data, "base64"),
    );
    return JSON.parse(new TextDecoder().decode(plain)) as JWK;
  }
}

/**
 * The keys that sign and verify access tokens, cached in memory and reloaded every 30 s (so replicas
 * pick up a rotation) or at once when a token names an unknown kid; the JWKS document is at most 1 s old.
 */
export class SigningKeys {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #sealer: Sealer;
  readonly #accessTtlSeconds: number;
  readonly #reloadMs: number;
  #keys: LoadedKey[] = [];
  #loadedAt = 0;
  #loading: Promise<void> | undefined;

  constructor(options: {
    db: Database;
    clock: Clock;
    secret: string | undefined;
    accessTtlSeconds: number;
    reloadMs?: number | undefined;
  }) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#sealer = new Sealer(options.secret);
    this.#accessTtlSeconds = options.accessTtlSeconds;
    this.#reloadMs = options.reloadMs ?? DEFAULT_RELOAD_MS;
  }

  /**
   * The key new tokens are signed with (creating the first one on a fresh database): the newest key
   * published for ACTIVATION_SECONDS, else the oldest that may still sign (the one a rotation
   * just replaced, or the only key there is).
   */
  async signingKey(): Promise<Signer> {
    await this.#fresh();
    if (!this.#keys.some((k) => k.status === "active")) {
      await this.#db.privileged((tx) => this.#insertKey(tx, true));
      await this.reload();
    }
    const ripe = addSeconds(this.#clock.now(), -ACTIVATION_SECONDS);
    const signers = this.#keys
      .filter((k): k is LoadedKey & { privateKey: CryptoKey | Uint8Array } => k.privateKey !== undefined)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    const key = signers.find((k) => k.createdAt <= ripe) ?? signers.at(-1);
    if (!key) {
      throw new Error("no usable signing key (is SIGNING_KEY_SECRET the one the keys were sealed with?)");
    }
    return { kid: key.kid, privateKey: key.privateKey };
  }

  /** The public key for `kid`, reloading once if it is not known yet (another replica rotated). */
  async publicKey(kid: string | undefined): Promise<CryptoKey | Uint8Array | undefined> {
    await this.#fresh();
    let key = this.#keys.find((k) => k.kid === kid);
    if (!key && Date.now() - this.#loadedAt > 1_000) {
      await this.reload();
      key = this.#keys.find((k) => k.kid === kid);
    }
    return key?.publicKey;
  }

  /**
   * The JWKS document: the active key and every retired key whose tokens may still be valid. Never more
   * than a second old, whatever the reload interval: a service asks whichever replica answers for the
   * set when a new key's first token reaches it, and a replica that did not make the rotation must
   * publish the key before the one that did signs with it (ACTIVATION_SECONDS).
   */
  async jwks(): Promise<{ keys: JWK[] }> {
    if (Date.now() - this.#loadedAt > 1_000) {
      await this.reload();
    }
    return { keys: this.#keys.map((k) => k.publicJwk) };
  }

  /**
   * A new active key, published at once and signing after ACTIVATION_SECONDS; the previous one signs
   * until then and verifies until its last token has expired. Emits signing_key.rotated in the same
   * transaction.
   */
  async rotate(
    actorId: string,
  ): Promise<{ kid: string; previousKid: string | null; previousValidUntil: Date | null; signsFrom: Date }> {
    const now = this.#clock.now();
    const signsFrom = addSeconds(now, ACTIVATION_SECONDS);
    const verifyUntil = addSeconds(signsFrom, this.#accessTtlSeconds + SKEW_SECONDS);
    const result = await this.#db.privileged(async (tx) => {
      const retired = await tx
        .update(signingKeys)
        .set({ status: "retired", retiredAt: signsFrom, verifyUntil })
        .where(eq(signingKeys.status, "active"))
        .returning({ kid: signingKeys.kid });
      const kid = await this.#insertKey(tx, false);
      const previousKid = retired[0]?.kid ?? null;
      await emitEvent(tx, {
        type: "vextrus.auth.signing_key.rotated",
        subject: kid,
        tenantId: PLATFORM_TENANT_ID,
        actorId,
        data: { kid, previousKid, algorithm: ALG },
      });
      return { kid, previousKid, previousValidUntil: previousKid ? verifyUntil : null, signsFrom };
    });
    await this.reload();
    return result;
  }

  async reload(): Promise<void> {
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #fresh(): Promise<void> {
    if (Date.now() - this.#loadedAt > this.#reloadMs) {
      await this.reload();
    }
  }

  async #load(): Promise<void> {
    const now = this.#clock.now();
    const rows = await this.#db.privileged((tx) =>
      tx
        .select()
        .from(signingKeys)
        .where(or(eq(signingKeys.status, "active"), gt(signingKeys.verifyUntil, now))),
    );
    const keys: LoadedKey[] = [];
    for (const row of rows) {
      const publicJwk = row.publicJwk as JWK;
      const signs = row.status === "active" || (row.retiredAt !== null && row.retiredAt > now);
      const privateJwk = signs ? await this.#sealer.open(row.privateKey).catch(() => undefined) : undefined;
      keys.push({
        kid: row.kid,
        status: row.status,
        createdAt: row.createdAt,
        publicJwk,
        publicKey: await importJWK(publicJwk, ALG),
        privateKey: privateJwk ? await importJWK(privateJwk, ALG) : undefined,
      });
    }
    // The active key first: verifiers that try keys in order find it at once.
    this.#keys = keys.sort((a, b) => (a.status === b.status ? 0 : a.status === "active" ? -1 : 1));
    this.#loadedAt = Date.now();
  }

  /** Inserts a new active key; `ifNone` makes it a no-op when another replica created one first. */
  async #insertKey(tx: Tx, ifNone: boolean): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(ALG, { crv: "Ed25519", extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const row = {
      kid,
      algorithm: ALG,
      publicJwk: { ...publicJwk, kid, alg: ALG, use: "sig" },
      privateKey: await this.#sealer.seal(await exportJWK(privateKey)),
      status: "active" as const,
      createdAt: this.#clock.now(),
    };
    const insert = tx.insert(signingKeys).values(row);
    await (ifNone ? insert.onConflictDoNothing() : insert);
    return kid;
  }
}

/** Platform verb: rotate the signing key (the caller's id is recorded on the event). */
export const rotateSigningKey = ({
  ctx,
}: {
  ctx: { principal: { userId: string }; deps: { keys: SigningKeys } };
}) => ctx.deps.keys.rotate(ctx.principal.userId);
