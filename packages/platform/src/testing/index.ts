/**
 * Test support for integration suites: a fresh database per test file on the real PostgreSQL server
 * that `npm test` provides, a real Kafka broker address, and tokens signed by a test key pair.
 */
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import postgres from "postgres";
import superjson from "superjson";
import { testSetting } from "./env.ts";

/** The test run's SMTP server (GreenMail from its Maven jar), for services that send mail. */
export const smtpTestUrl = (): string => testSetting("TEST_SMTP_URL");

export const kafkaBrokers = (): string[] => testSetting("KAFKA_BROKERS").split(",");

/** The S3-compatible server of the test run (S3Proxy from its Maven jar, or TEST_S3_ENDPOINT). */
export const s3Settings = () => ({
  endpoint: testSetting("TEST_S3_ENDPOINT"),
  accessKeyId: testSetting("TEST_S3_ACCESS_KEY"),
  secretAccessKey: testSetting("TEST_S3_SECRET_KEY"),
  region: "us-east-1",
});

export interface TestDatabase {
  /** Superuser URL of the new database (migrations and tampering tests use it). */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates an empty database for one test file, so files never share rows or depend on order. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const adminUrl = testSetting("TEST_DATABASE_URL");
  const name = `vx_${label.replace(/[^a-z0-9]/gi, "_").toLowerCase()}_${Bun.randomUUIDv7().slice(-12).replaceAll("-", "")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop database if exists ${name} with (force)`);
      await sql.end();
    },
  };
}

export interface TokenClaims {
  tenantId: string;
  userId?: string;
  permissions?: readonly string[];
  expiresIn?: string;
}

/** An Ed25519 key pair standing in for the auth service: sign tokens, hand the public JWK to services. */
export async function createTestSigner(issuer = "vextrus-auth") {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), alg: "EdDSA", kid: "test", use: "sig" };
  return {
    publicKey: JSON.stringify(publicJwk),
    sign: (claims: TokenClaims) =>
      new SignJWT({ tid: claims.tenantId, perms: [...(claims.permissions ?? ["*"])] })
        .setProtectedHeader({ alg: "EdDSA", kid: "test" })
        .setSubject(claims.userId ?? Bun.randomUUIDv7())
        .setIssuer(issuer)
        .setIssuedAt()
        .setExpirationTime(claims.expiresIn ?? "15m")
        .sign(privateKey),
  };
}

export type TestSigner = Awaited<ReturnType<typeof createTestSigner>>;

export { portForLater } from "./ports.ts";
export { type ProxyMode, startTcpProxy } from "./tcp-proxy.ts";
export { startTestTracing, type TestTracing } from "./tracing.ts";

/**
 * Whether a client can send `input` at all: superjson (the wire format) refuses an object with an own
 * `__proto__` key before anything leaves the process. Fuzzers filter on this; such bodies are a
 * wire-format test's business.
 */
export function superjsonCanSend(input: unknown): boolean {
  try {
    superjson.serialize(input);
    return true;
  } catch {
    return false;
  }
}
export {
  greenMailFor,
  linkToken,
  mailsInFolder,
  parseMail,
  type ReadMail,
  tokenFromFolder,
  tokenFromGreenMail,
} from "./mail.ts";
