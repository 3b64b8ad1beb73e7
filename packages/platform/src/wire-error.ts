import type { TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { toBengaliDigits } from "@vextrus/bd";
import { type Bilingual, ERROR_KINDS, type ErrorKind } from "./errors.ts";
import type { Locale } from "./locale.ts";

/**
 * A refusal in tRPC's wire format (`{ error: <superjson envelope of { message, code, data }> }`),
 * for a request answered before tRPC runs (the gateway, the batch bound): @trpc/client raises a
 * TRPCClientError with `data.code`, `kind`, `appCode` and `requestId`, applied to every call of a batch.
 */
export function wireError(
  refusal: { kind: ErrorKind; appCode: string; text: Bilingual; data?: Record<string, unknown> },
  locale: Locale,
  requestId: string,
) {
  const code: TRPC_ERROR_CODE_KEY = ERROR_KINDS[refusal.kind].trpc;
  const data: Record<string, unknown> = {
    code,
    httpStatus: ERROR_KINDS[refusal.kind].http,
    kind: refusal.kind,
    appCode: refusal.appCode,
    requestId,
    ...refusal.data,
  };
  return { error: { json: { message: refusal.text[locale], code: TRPC_ERROR_CODES_BY_KEY[code], data } } };
}

/** The most calls one tRPC batch may carry, at a service (the gateway's own limit may only be lower). */
export const MAX_BATCH_CALLS = 100;

export const batchTooLargeText = (max: number): Bilingual => ({
  en: `A batch may hold at most ${max} calls`,
  bn: `একটি ব্যাচে সর্বোচ্চ ${toBengaliDigits(String(max))}টি কল থাকতে পারে`,
});
