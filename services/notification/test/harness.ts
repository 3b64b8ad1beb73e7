import { createTRPCClient, httpLink } from "@trpc/client";
import { createLogger, createTokenVerifier } from "@vextrus/platform";
import { APP_ROLE, type Database, migrateService, postgresDatabase } from "@vextrus/platform/db";
import { createTestDatabase, createTestSigner } from "@vextrus/platform/testing";
import superjson from "superjson";
import { type AppOptions, createApp } from "../src/app.ts";
import { MIGRATIONS } from "../src/boot.ts";
import type { NotificationServiceRouter } from "../src/router.ts";

/** A clock tests can move: the service never takes "now" from a caller. */
export class TestClock {
  constructor(private now = new Date("2026-06-15T06:00:00.000Z")) {}
  read = () => new Date(this.now);
  advance(ms: number) {
    this.now = new Date(this.now.getTime() + ms);
  }
}

/** A real notification service for one test file: its own migrated database, its app in-process. */
export async function startNotification(
  label: string,
  options: Pick<AppOptions, "channels" | "settings" | "smsReports" | "webhooks"> = {},
) {
  const testDb = await createTestDatabase(label);
  await migrateService({ url: testDb.url }, "notification", MIGRATIONS);
  const signer = await createTestSigner();
  const verifyToken = await createTokenVerifier({ publicKey: signer.publicKey, issuer: "vextrus-auth" });
  const db: Database = postgresDatabase({ url: testDb.url, appRole: APP_ROLE });
  const clock = new TestClock();
  const log = createLogger({ level: "error", write: () => {} });
  const app = createApp({ db, log, verifyToken, clock: clock.read, ...options });
  return {
    app,
    db,
    log,
    clock,
    verifyToken,
    /** A user of `tenantId` (a fresh tenant by default). */
    async user(
      tenantId: string = Bun.randomUUIDv7(),
      userId: string = Bun.randomUUIDv7(),
      permissions: string[] = [],
    ) {
      const token = await signer.sign({ tenantId, userId, permissions });
      return { tenantId, userId, token, api: clientFor(app, token) };
    },
    async stop() {
      await db.close();
      await testDb.drop();
    },
  };
}

export type NotificationHarness = Awaited<ReturnType<typeof startNotification>>;

type Fetcher = { fetch(request: Request): Response | Promise<Response> };

export function clientFor(app: Fetcher, token?: string) {
  return createTRPCClient<NotificationServiceRouter>({
    links: [
      httpLink({
        url: "http://notification.test/trpc",
        transformer: superjson,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
        fetch: (url, init) => Promise.resolve(app.fetch(new Request(url, init as RequestInit))),
      }),
    ],
  });
}

/** Reads one address's mail back from GreenMail's REST API (TEST_MAIL_API, set by scripts/test.ts). */
export async function mailbox(address: string): Promise<{ subject: string; mimeMessage: string }[]> {
  const api = process.env.TEST_MAIL_API;
  if (!api) {
    throw new Error("TEST_MAIL_API is not set: run the suite through scripts/test.ts (it starts GreenMail)");
  }
  const res = await fetch(`${api}/api/user/${encodeURIComponent(address)}/messages/`);
  if (res.status === 404 || res.status === 400) {
    // GreenMail answers 400 for an address that has received nothing yet.
    await res.body?.cancel();
    return [];
  }
  if (!res.ok) {
    throw new Error(`GreenMail answered ${res.status}: ${await res.text()}`);
  }
  return (await res.json()) as { subject: string; mimeMessage: string }[];
}

export function smtpUrl(): string {
  const url = process.env.TEST_SMTP_URL;
  if (!url) {
    throw new Error("TEST_SMTP_URL is not set: run the suite through scripts/test.ts (it starts GreenMail)");
  }
  return url;
}
