import { initTRPC, TRPCError } from "@trpc/server";
import { bdMessage, issueCode } from "@vextrus/bd";
import superjson from "superjson";
import type { z } from "zod";
import { hasPermission } from "./auth.ts";
import type { ServiceContext, TenantContext } from "./context.ts";
import { AppError, ERROR_KINDS, type FieldIssue, fromDatabaseError, INTERNAL_TEXT } from "./errors.ts";
import type { Locale } from "./locale.ts";
import { errorFields } from "./log.ts";

export interface ProcedureMeta {
  /** The permission the caller's token must grant, `<service>:<entity>:<action>`. */
  permission?: string;
}

/** The shape of `error.data` every Vextrus procedure answers with. */
export interface ErrorData {
  code: string;
  httpStatus: number;
  kind: string;
  appCode: string;
  requestId: string;
  issues?: FieldIssue[];
}

const INVALID_INPUT = { en: "The input is invalid", bn: "ইনপুটটি সঠিক নয়" };
const UNPARSABLE = { en: "The request body is not valid JSON", bn: "অনুরোধের বিষয়বস্তু বৈধ JSON নয়" };

function zodIssues(issues: readonly z.core.$ZodIssue[], locale: Locale): FieldIssue[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(input)",
    code: issueCode(issue),
    message: bdMessage(issue, locale),
  }));
}

function hasZodIssues(cause: unknown): cause is { issues: z.core.$ZodIssue[] } {
  return typeof cause === "object" && cause !== null && Array.isArray((cause as { issues?: unknown }).issues);
}

/** Turns anything thrown inside a procedure into the taxonomy; unknown errors become INTERNAL (and are logged). */
function toAppError(error: unknown): AppError {
  if (error instanceof AppError) {
    return error;
  }
  if (error instanceof TRPCError && error.cause instanceof AppError) {
    return error.cause;
  }
  if (error instanceof SyntaxError) {
    // tRPC reads the body lazily, so a body that is not JSON surfaces here.
    return new AppError("VALIDATION", "input.unparsable", UNPARSABLE, "(input)");
  }
  return fromDatabaseError(error) ?? new AppError("INTERNAL", "internal", INTERNAL_TEXT);
}

/**
 * One tRPC instance per service, with superjson, the bilingual error formatter and the procedure
 * builders. Call once in the service's `src/trpc.ts`.
 */
export function initServiceTrpc<Deps>() {
  const t = initTRPC
    .context<ServiceContext<Deps>>()
    .meta<ProcedureMeta>()
    .create({
      transformer: superjson,
      isDev: false,
      errorFormatter({ shape, error, ctx }) {
        const locale: Locale = ctx?.locale ?? "en";
        const requestId = ctx?.requestId ?? "";
        const base = { httpStatus: shape.data.httpStatus, code: shape.data.code, requestId };
        if (error.code === "BAD_REQUEST" && hasZodIssues(error.cause)) {
          const data: ErrorData = {
            ...base,
            kind: "VALIDATION",
            appCode: "input.invalid",
            issues: zodIssues(error.cause.issues, locale),
          };
          return { message: INVALID_INPUT[locale], code: shape.code, data };
        }
        const app = error.cause instanceof AppError ? error.cause : undefined;
        if (app) {
          const data: ErrorData = { ...base, kind: app.kind, appCode: app.code };
          if (app.field) {
            data.issues = [{ path: app.field, code: app.code, message: app.text[locale] }];
          }
          return { message: app.text[locale], code: shape.code, data };
        }
        // Errors raised by tRPC itself (unknown procedure, bad method, unparsable body): keep its code,
        // never its internals.
        const internal = error.code === "INTERNAL_SERVER_ERROR";
        const message = internal ? INTERNAL_TEXT[locale] : error.message;
        const data: ErrorData = {
          ...base,
          kind: internal ? "INTERNAL" : error.code,
          appCode: `trpc.${error.code}`,
        };
        return { message, code: shape.code, data };
      },
    });

  /** Maps thrown errors to the taxonomy once, for every procedure. */
  const errorMapping = t.middleware(async ({ ctx, next, path }) => {
    const result = await next();
    if (result.ok) {
      return result;
    }
    const { error } = result;
    if (error.code === "BAD_REQUEST" && hasZodIssues(error.cause)) {
      return result;
    }
    if (
      (error.code === "BAD_REQUEST" || error.code === "PARSE_ERROR") &&
      !(error.cause instanceof AppError)
    ) {
      // tRPC's own refusal of the input (unparsable body, bad superjson metadata): bad input, never a 500.
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: UNPARSABLE.en,
        cause: new AppError("VALIDATION", "input.unparsable", UNPARSABLE, "(input)"),
      });
    }
    const mapped = toAppError(error.cause ?? error);
    if (mapped.kind === "INTERNAL") {
      ctx.log.error("procedure failed", {
        procedure: path,
        requestId: ctx.requestId,
        ...errorFields(error.cause ?? error),
      });
    }
    throw new TRPCError({ code: ERROR_KINDS[mapped.kind].trpc, message: mapped.message, cause: mapped });
  });

  const publicProcedure = t.procedure.use(errorMapping);

  /** Requires a verified token and the permission named in `.meta({ permission })`, if any. */
  const tenantProcedure = publicProcedure.use(({ ctx, meta, next }) => {
    if (ctx.authError) {
      throw ctx.authError;
    }
    if (!ctx.principal) {
      throw new AppError("UNAUTHORIZED", "auth.token.missing", {
        en: "Sign in first: this call needs an access token",
        bn: "প্রথমে সাইন ইন করুন: এই অনুরোধে অ্যাক্সেস টোকেন প্রয়োজন",
      });
    }
    if (meta?.permission && !hasPermission(ctx.principal.permissions, meta.permission)) {
      throw new AppError("FORBIDDEN", "auth.permission.missing", {
        en: `You need the permission ${meta.permission}`,
        bn: `এর জন্য ${meta.permission} অনুমতি প্রয়োজন`,
      });
    }
    const tenantCtx: TenantContext<Deps> = {
      ...ctx,
      principal: ctx.principal,
      tenantId: ctx.principal.tenantId,
    };
    return next({ ctx: tenantCtx });
  });

  return {
    t,
    router: t.router,
    middleware: t.middleware,
    publicProcedure,
    tenantProcedure,
    createCallerFactory: t.createCallerFactory,
  };
}
