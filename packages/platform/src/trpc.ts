import { initTRPC, TRPCError } from "@trpc/server";
import { getTRPCErrorFromUnknown } from "@trpc/server/unstable-core-do-not-import";
import { bdMessage, issueCode, toBengaliDigits } from "@vextrus/bd";
import superjson from "superjson";
import type { z } from "zod";
import { hasPermission, type Principal } from "./auth.ts";
import type { ServiceContext } from "./context.ts";
import { AppError, ERROR_KINDS, type FieldIssue, fromDatabaseError, INTERNAL_TEXT } from "./errors.ts";
import { type InputFault, inputFault, withoutForbiddenKeys } from "./input.ts";
import type { Locale } from "./locale.ts";
import { errorFields, type Logger } from "./log.ts";

/** Marks the middleware of procedures that need a signed-in caller (`tenantProcedure`). */
export const REQUIRES_SIGN_IN = Symbol.for("vextrus.requiresSignIn");

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

const UNPARSABLE = { en: "The request body is not valid JSON", bn: "অনুরোধের বিষয়বস্তু বৈধ JSON নয়" };

/** A custom issue's own stable code (`params.code`, e.g. `input.nul`), else @vextrus/bd's. */
function codeOf(issue: z.core.$ZodIssue): string {
  const own = issue.code === "custom" ? issue.params?.code : undefined;
  return typeof own === "string" && own.startsWith("input.") ? own : issueCode(issue);
}

function zodIssues(issues: readonly z.core.$ZodIssue[], locale: Locale): FieldIssue[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(input)",
    code: codeOf(issue),
    message: bdMessage(issue, locale),
  }));
}

/**
 * The top-level message of a bad input: the first field and its problem, and how many more there
 * are (`amount: must be greater than zero (and 1 more)`), in the caller's language.
 */
export function invalidInputMessage(issues: readonly FieldIssue[], locale: Locale): string {
  const [first, ...rest] = issues;
  if (!first) {
    return locale === "bn" ? "ইনপুটটি সঠিক নয়" : "The input is invalid";
  }
  const message = `${first.path}: ${first.message}`;
  if (rest.length === 0) {
    return message;
  }
  return locale === "bn"
    ? `${message} (আরও ${toBengaliDigits(String(rest.length))}টি সমস্যা)`
    : `${message} (and ${rest.length} more)`;
}

function hasZodIssues(cause: unknown): cause is { issues: z.core.$ZodIssue[] } {
  return typeof cause === "object" && cause !== null && Array.isArray((cause as { issues?: unknown }).issues);
}

/** An input fault reported exactly as a schema's refusal: BAD_REQUEST with one issue naming the field. */
class InputFaultError extends Error {
  readonly issues: z.core.$ZodIssue[];

  constructor(found: InputFault) {
    super(found.problem.en);
    this.name = "InputFaultError";
    this.issues = [
      {
        code: "custom",
        path: found.segments,
        message: found.problem.en,
        params: { code: found.code, messageBn: found.problem.bn },
      },
    ];
  }
}

/** The keys of tRPC's superjson envelope (`{}` is the envelope of no input). */
const ENVELOPE_KEYS = new Set(["json", "meta"]);

/**
 * A body sent without the envelope (`{"name": "x"}` instead of `{"json": {"name": "x"}}`): refused
 * with what to send, instead of reading it as a missing input.
 */
function unwrappedInput(payload: unknown): InputFault | undefined {
  if (payload === undefined) {
    return undefined;
  }
  const isObject = typeof payload === "object" && payload !== null && !Array.isArray(payload);
  if (isObject && Object.keys(payload).every((key) => ENVELOPE_KEYS.has(key))) {
    return undefined;
  }
  return {
    path: "(input)",
    segments: [],
    code: "input.unwrapped",
    problem: {
      en: 'tRPC takes the input wrapped as {"json": <input>} (the @vextrus/client does this); for a bare JSON body, POST it to /api/<service>/<procedure> (see /openapi.json)',
      bn: 'tRPC-তে ইনপুট {"json": <input>} আকারে মোড়ানো পাঠাতে হয় (@vextrus/client নিজেই তা করে); মোড়ানো ছাড়া JSON পাঠাতে /api/<service>/<procedure>-এ POST করুন (দেখুন /openapi.json)',
    },
  };
}

/** What the wire format hands a procedure whose input was refused before superjson could read it. */
class RefusedInput {
  constructor(readonly fault: InputFault) {}
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
 * superjson, except that a response holding a `__proto__` / `constructor` / `prototype` key (stored
 * before inputs refused them) is sent without those keys instead of failing: superjson refuses to
 * serialise them, which made every later read of such a row a 500.
 */
const transformer = {
  input: {
    serialize: (value: unknown) => superjson.serialize(value),
    /**
     * Looks at the input as it came off the wire, before superjson copies it (the copy silently drops
     * own `__proto__` keys). A refusal is handed to that one call (inputGuard throws it), so the other
     * calls of a batch still run.
     */
    deserialize(payload: unknown) {
      const unwrapped = unwrappedInput(payload);
      if (unwrapped) {
        return new RefusedInput(unwrapped);
      }
      const wire =
        typeof payload === "object" && payload !== null ? (payload as { json?: unknown }).json : undefined;
      const found = inputFault(wire);
      return found
        ? new RefusedInput(found)
        : superjson.deserialize(payload as Parameters<typeof superjson.deserialize>[0]);
    },
  },
  output: {
    serialize(value: unknown) {
      try {
        return superjson.serialize(value);
      } catch (error) {
        if (!(error instanceof Error && error.message.includes("prototype pollution"))) {
          throw error;
        }
        return superjson.serialize(withoutForbiddenKeys(value));
      }
    },
    deserialize: (value: Parameters<typeof superjson.deserialize>[0]) => superjson.deserialize(value),
  },
};

/**
 * tRPC's `onError` for a service: logs, with its request id, every INTERNAL failure that the
 * procedures' own error mapping did not see (e.g. a response that could not be serialised).
 */
export function logUnmappedFailures(log: Logger) {
  return (opts: { error: TRPCError; path?: string | undefined; ctx?: unknown; req: Request }) => {
    const { error, ctx, req } = opts;
    if (error.code !== "INTERNAL_SERVER_ERROR" || error.cause instanceof AppError) {
      return;
    }
    const requestId = (ctx as { requestId?: unknown } | undefined)?.requestId ?? null;
    const procedure = opts.path ?? new URL(req.url).pathname.replace(/^.*\/trpc\//, "");
    log.error("request failed", { requestId, procedure, ...errorFields(error.cause ?? error) });
  };
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
      transformer,
      isDev: false,
      errorFormatter({ shape, error, ctx }) {
        const locale: Locale = ctx?.locale ?? "en";
        const requestId = ctx?.requestId ?? "";
        const base = { httpStatus: shape.data.httpStatus, code: shape.data.code, requestId };
        if (error.code === "BAD_REQUEST" && hasZodIssues(error.cause)) {
          const issues = zodIssues(error.cause.issues, locale);
          const data: ErrorData = { ...base, kind: "VALIDATION", appCode: "input.invalid", issues };
          return { message: invalidInputMessage(issues, locale), code: shape.code, data };
        }
        const app = error.cause instanceof AppError ? error.cause : undefined;
        if (app) {
          const data: ErrorData = { ...base, kind: app.kind, appCode: app.code };
          if (!app.field) {
            return { message: app.text[locale], code: shape.code, data };
          }
          const issue = { path: app.field, code: app.code, message: app.text[locale] };
          data.issues = [issue];
          // Bad input names its field at the top too, as a schema's refusal does.
          const message = app.kind === "VALIDATION" ? invalidInputMessage([issue], locale) : issue.message;
          return { message, code: shape.code, data };
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

  /**
   * Maps a procedure's failure to the taxonomy, once for every procedure: always throws (a schema's
   * refusal as it is, anything else as the TRPCError of its kind).
   */
  function mapFailure(ctx: ServiceContext<Deps>, path: string, error: TRPCError): never {
    if (error.code === "BAD_REQUEST" && hasZodIssues(error.cause)) {
      throw error;
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
  }

  /**
   * Every procedure's raw input, before its schema: no NUL in any string or key, no `__proto__` /
   * `constructor` / `prototype` key, at most MAX_INPUT_DEPTH levels. A 400 naming the field, so
   * no procedure (present or future) can turn these into a 500 in the database or the response.
   */
  async function checkRawInput(getRawInput: () => Promise<unknown>): Promise<void> {
    const raw = await getRawInput();
    if (raw instanceof RefusedInput) {
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: raw.fault.problem.en,
        cause: new InputFaultError(raw.fault),
      });
    }
  }

  /** A verified token granting the permission named in `.meta({ permission })`, if any. */
  function signedIn(ctx: ServiceContext<Deps>, meta: ProcedureMeta | undefined): Principal {
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
    return ctx.principal;
  }

  // The error mapping, the raw-input check and (for tenantProcedure) the sign-in check are one
  // middleware: each level of tRPC's middleware chain copies the call's options twice.
  const publicGuard = t.middleware(async ({ ctx, path, getRawInput, next }) => {
    try {
      await checkRawInput(getRawInput);
    } catch (cause) {
      return mapFailure(ctx, path, getTRPCErrorFromUnknown(cause));
    }
    const result = await next();
    return result.ok ? result : mapFailure(ctx, path, result.error);
  });
  const publicProcedure = t.procedure.use(publicGuard);

  /** publicGuard, then requires a verified token and the permission named in `.meta({ permission })`. */
  const tenantGuard = t.middleware(async ({ ctx, meta, path, getRawInput, next }) => {
    let principal: Principal;
    try {
      await checkRawInput(getRawInput);
      principal = signedIn(ctx, meta);
    } catch (cause) {
      return mapFailure(ctx, path, getTRPCErrorFromUnknown(cause));
    }
    const result = await next({ ctx: { principal, tenantId: principal.tenantId } });
    return result.ok ? result : mapFailure(ctx, path, result.error);
  });
  // Marked, so the OpenAPI document can tell which procedures need a token (openapi.ts).
  for (const fn of tenantGuard._middlewares) {
    Object.defineProperty(fn, REQUIRES_SIGN_IN, { value: true });
  }
  const tenantProcedure = t.procedure.use(tenantGuard);

  return {
    t,
    router: t.router,
    middleware: t.middleware,
    publicProcedure,
    tenantProcedure,
    createCallerFactory: t.createCallerFactory,
  };
}
