import type { TRPC_ERROR_CODE_KEY } from "@trpc/server";

/** The one error taxonomy of Vextrus. Every transport maps these kinds; nothing else is thrown on purpose. */
export const ERROR_KINDS = {
  NOT_FOUND: { trpc: "NOT_FOUND", http: 404 },
  FORBIDDEN: { trpc: "FORBIDDEN", http: 403 },
  UNAUTHORIZED: { trpc: "UNAUTHORIZED", http: 401 },
  CONFLICT: { trpc: "CONFLICT", http: 409 },
  VALIDATION: { trpc: "BAD_REQUEST", http: 400 },
  RATE_LIMITED: { trpc: "TOO_MANY_REQUESTS", http: 429 },
  PRECONDITION_FAILED: { trpc: "PRECONDITION_FAILED", http: 412 },
  UNAVAILABLE: { trpc: "SERVICE_UNAVAILABLE", http: 503 },
  INTERNAL: { trpc: "INTERNAL_SERVER_ERROR", http: 500 },
} as const satisfies Record<string, { trpc: TRPC_ERROR_CODE_KEY; http: number }>;

export type ErrorKind = keyof typeof ERROR_KINDS;

export interface Bilingual {
  en: string;
  bn: string;
}

export interface FieldIssue {
  path: string;
  code: string;
  message: string;
}

/** A deliberate, typed failure. `code` is stable (e.g. `organization.department.cycle`); the text is bilingual. */
export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly text: Bilingual;
  /** The input field at fault, when there is one (reported as an issue with this path). */
  readonly field: string | undefined;

  constructor(kind: ErrorKind, code: string, text: Bilingual, field?: string) {
    super(text.en);
    this.name = "AppError";
    this.kind = kind;
    this.code = code;
    this.text = text;
    this.field = field;
  }
}

export const INTERNAL_TEXT: Bilingual = {
  en: "Something went wrong on our side. Quote the request id when you contact support.",
  bn: "আমাদের দিকে একটি সমস্যা হয়েছে। সহায়তার জন্য অনুরোধ আইডিটি উল্লেখ করুন।",
};

export const notFound = (entity: Bilingual, code: string) =>
  new AppError("NOT_FOUND", code, { en: `${entity.en} not found`, bn: `${entity.bn} পাওয়া যায়নি` });

export const forbidden = (code: string, text: Bilingual) => new AppError("FORBIDDEN", code, text);
export const conflict = (code: string, text: Bilingual) => new AppError("CONFLICT", code, text);
export const unauthorized = (code: string, text: Bilingual) => new AppError("UNAUTHORIZED", code, text);
/** Bad input the schema could not see (a cycle, an unknown reference): BAD_REQUEST naming the field. */
export const invalidField = (field: string, code: string, text: Bilingual) =>
  new AppError("VALIDATION", code, text, field);

interface PgLikeError {
  code: string;
  constraint_name?: string;
  constraint?: string;
}

function isPgError(error: unknown): error is PgLikeError {
  return (
    typeof error === "object" &&
    error !== null &&
    "code" in error &&
    typeof error.code === "string" &&
    /^[0-9A-Z]{5}$/.test(error.code)
  );
}

/** Socket-level codes (Node/Bun and postgres.js) of a database that cannot be reached. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);

/** SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, restart). */
const UNAVAILABLE_STATE = /^(08|57P)/;

export const DATABASE_DOWN = {
  en: "The database is not answering right now; please try again shortly",
  bn: "ডাটাবেস এই মুহূর্তে সাড়া দিচ্ছে না; একটু পরে আবার চেষ্টা করুন",
};

function connectionFailure(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === "object" && e !== null && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (CONNECTION_CODES.has(code) || UNAVAILABLE_STATE.test(code))) {
      return true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Maps a database error to the taxonomy, or returns undefined when it is not one we can explain. */
export function fromDatabaseError(error: unknown): AppError | undefined {
  if (connectionFailure(error)) {
    return new AppError("UNAVAILABLE", "platform.db.unavailable", DATABASE_DOWN);
  }
  const pg = isPgError(error)
    ? error
    : isPgError((error as { cause?: unknown })?.cause)
      ? (error as { cause: PgLikeError }).cause
      : undefined;
  if (!pg) {
    return undefined;
  }
  switch (pg.code) {
    case "23505":
      return conflict("db.unique", { en: "This record already exists", bn: "এই রেকর্ডটি ইতিমধ্যে আছে" });
    case "23503":
      return new AppError("VALIDATION", "db.reference", {
        en: "A referenced record does not exist",
        bn: "উল্লেখিত রেকর্ডটি নেই",
      });
    case "23514":
    case "23502":
      return new AppError("VALIDATION", "db.check", {
        en: "The data breaks a rule of this record",
        bn: "তথ্যটি এই রেকর্ডের নিয়ম ভঙ্গ করে",
      });
    case "42501":
      return forbidden("db.tenant", { en: "Access denied", bn: "প্রবেশাধিকার নেই" });
    case "40001":
    case "40P01":
      return conflict("db.concurrent", {
        en: "The record was changed at the same time; try again",
        bn: "রেকর্ডটি একই সময়ে পরিবর্তিত হয়েছে; আবার চেষ্টা করুন",
      });
    default:
      return undefined;
  }
}
