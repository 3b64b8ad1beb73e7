import { bdMessage, issueCode } from "@vextrus/bd";
import {
  AppError,
  hasPermission,
  inputFault,
  invalidInputMessage,
  type Logger,
  localeFromHeader,
  type ServiceOptions,
  type TokenVerifier,
} from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { AuditDeps } from "./deps.ts";
import { EntryFilter } from "./domain/entries.ts";
import { exportCsv } from "./domain/export.ts";

type RoutesApp = Parameters<NonNullable<ServiceOptions<AuditDeps>["routes"]>>[0];

export const EXPORT_PERMISSION = "audit:event:export";

const NO_TOKEN = new AppError("UNAUTHORIZED", "auth.token.missing", {
  en: "Sign in first: this call needs an access token",
  bn: "প্রথমে সাইন ইন করুন: এই অনুরোধে অ্যাক্সেস টোকেন প্রয়োজন",
});
const BAD_TOKEN = new AppError("UNAUTHORIZED", "auth.token.invalid", {
  en: "The access token is invalid or expired",
  bn: "অ্যাক্সেস টোকেনটি অবৈধ বা মেয়াদোত্তীর্ণ",
});

/**
 * GET /export.csv?subjectType=&subjectId=&actorId=&typePrefix=&from=&to= — the filtered log as a CSV
 * stream for auditors. Authenticated like the procedures (bearer token) and needs
 * `audit:event:export`.
 */
export function exportRoute(options: { db: Database; verifyToken: TokenVerifier | undefined; log: Logger }) {
  return (app: RoutesApp) => {
    app.get("/export.csv", async (c) => {
      const locale = localeFromHeader(c.req.header("accept-language"));
      const requestId = c.get("requestId");
      const refuse = (error: AppError, status: 400 | 401 | 403, issues?: unknown[]) =>
        c.json(
          {
            error: { code: error.kind, appCode: error.code, message: error.text[locale], requestId, issues },
          },
          status,
        );
      const header = c.req.header("authorization");
      const token = header?.startsWith("Bearer ") ? header.slice(7).trim() : "";
      if (!header) {
        return refuse(NO_TOKEN, 401);
      }
      if (!token || !options.verifyToken) {
        return refuse(BAD_TOKEN, 401);
      }
      let principal: Awaited<ReturnType<TokenVerifier>>;
      try {
        principal = await options.verifyToken(token);
      } catch {
        return refuse(BAD_TOKEN, 401);
      }
      if (!hasPermission(principal.permissions, EXPORT_PERMISSION)) {
        return refuse(
          new AppError("FORBIDDEN", "auth.permission.missing", {
            en: `You need the permission ${EXPORT_PERMISSION}`,
            bn: `এর জন্য ${EXPORT_PERMISSION} অনুমতি প্রয়োজন`,
          }),
          403,
        );
      }
      const query = c.req.query();
      // The same checks and words as every procedure's input: a NUL is a 400, not a 500 from SQL.
      const fault = inputFault(query);
      const filter = EntryFilter.safeParse(fault ? {} : query);
      const issues = fault
        ? [{ path: fault.path, code: fault.code, message: fault.problem[locale] }]
        : filter.success
          ? []
          : filter.error.issues.map((issue) => ({
              path: issue.path.map(String).join(".") || "(input)",
              code: issueCode(issue),
              message: bdMessage(issue, locale),
            }));
      if (issues.length > 0 || !filter.success) {
        const message = invalidInputMessage(issues, locale);
        return refuse(new AppError("VALIDATION", "input.invalid", { en: message, bn: message }), 400, issues);
      }
      options.log.info("audit export", { requestId, tenant: principal.tenantId, user: principal.userId });
      const day = new Date().toISOString().slice(0, 10);
      return new Response(exportCsv(options.db, principal.tenantId, filter.data), {
        headers: {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="audit-${day}.csv"`,
          "cache-control": "no-store",
        },
      });
    });
  };
}
