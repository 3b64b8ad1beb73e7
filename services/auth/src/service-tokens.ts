import { timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { z } from "zod";
import type { AuthDeps } from "./deps.ts";
import { signOnBehalf } from "./domain/tokens.ts";

/** The route a trusted service (the scheduler, import-export) asks for a tenant-scoped token on. */
export const SERVICE_TOKENS_PATH = "/service-tokens";

const Request = z.object({
  tenantId: z.uuid(),
  /** Whom the token acts for (a scheduled job's creator). */
  userId: z.uuid(),
  permissions: z.array(z.string().min(1).max(120)).max(200),
  /** The calling service: the scheduler (jobs), import-export (imports resumed after a restart), notification (attachments fetched as the user who sent them). */
  service: z.enum(["scheduler", "import-export", "notification"]),
});

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * `POST /service-tokens` with `Authorization: Bearer <SERVICE_TOKEN_SECRET>`: a one-minute access
 * token for `{ tenantId, userId, permissions }`. Whoever holds the secret may act as any user of any
 * tenant, like whoever holds the signing keys: it is shared only with the scheduler, import-export and notification. Without the
 * secret configured the route does not exist (404); a wrong secret is 401.
 */
export function serviceTokenRoute(
  deps: Pick<AuthDeps, "keys" | "clock" | "settings">,
  secret: string | undefined,
) {
  return async (c: Context) => {
    if (!secret) {
      return c.json({ error: "not found" }, 404);
    }
    const header = c.req.header("authorization") ?? "";
    if (!same(header, `Bearer ${secret}`)) {
      return c.json({ error: "unauthorized" }, 401);
    }
    const parsed = Request.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) {
      return c.json({ error: "bad request", issues: parsed.error.issues.map((i) => i.path.join(".")) }, 400);
    }
    const { tenantId, userId, permissions } = parsed.data;
    const token = await signOnBehalf(deps, { tenantId, userId, permissions });
    return c.json({ token, expiresInSeconds: 60 }, 200, { "cache-control": "no-store" });
  };
}
