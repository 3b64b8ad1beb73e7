import {
  type Bilingual,
  batchTooLargeText,
  ERROR_KINDS,
  type ErrorKind,
  type Locale,
  wireError,
} from "@vextrus/platform";

/**
 * Errors the gateway itself answers with. They have exactly the shape a service's tRPC error has
 * (`{ error: <superjson envelope of { message, code, data }> }`), so a @trpc/client raises a
 * TRPCClientError with `data.code`, `data.kind`, `data.appCode` and `data.requestId`.
 */
export class GatewayError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly appCode: string,
    readonly text: Bilingual,
    /** The service at fault, when there is one. */
    readonly service?: string,
    /** Seconds to wait before retrying (rate limits). */
    readonly retryAfter?: number,
  ) {
    super(text.en);
    this.name = "GatewayError";
  }

  get httpStatus(): number {
    return ERROR_KINDS[this.kind].http;
  }
}

export type ErrorItem = ReturnType<typeof wireError>;

/** One failed call in tRPC's wire format, in the caller's language. */
export function errorItem(error: GatewayError, locale: Locale, requestId: string): ErrorItem {
  const data = error.service ? { service: error.service } : undefined;
  return wireError({ kind: error.kind, appCode: error.appCode, text: error.text, data }, locale, requestId);
}

const BENGALI_DIGITS = "০১২৩৪৫৬৭৮৯";
const bnNumber = (n: number) => String(n).replace(/\d/g, (d) => BENGALI_DIGITS[Number(d)] ?? d);

export const serviceUnavailable = (service: string) =>
  new GatewayError(
    "UNAVAILABLE",
    "gateway.upstream.unavailable",
    {
      en: `The ${service} service is unavailable; try again shortly`,
      bn: `${service} সার্ভিসটি এখন পাওয়া যাচ্ছে না; একটু পরে আবার চেষ্টা করুন`,
    },
    service,
  );

export const serviceTimeout = (service: string, timeoutMs: number) => {
  const seconds = Math.round(timeoutMs / 100) / 10;
  return new GatewayError(
    "UNAVAILABLE",
    "gateway.upstream.timeout",
    {
      en: `The ${service} service did not answer within ${seconds} s; it may or may not have done the work`,
      bn: `${service} সার্ভিস ${bnNumber(seconds)} সেকেন্ডের মধ্যে উত্তর দেয়নি; কাজটি হয়ে থাকতেও পারে`,
    },
    service,
  );
};

export const serviceGarbled = (service: string) =>
  new GatewayError(
    "UNAVAILABLE",
    "gateway.upstream.unreadable",
    {
      en: `The ${service} service answered with something the gateway cannot read`,
      bn: `${service} সার্ভিসের উত্তরটি গেটওয়ে পড়তে পারেনি`,
    },
    service,
  );

export const unknownService = (name: string) =>
  new GatewayError("NOT_FOUND", "gateway.service.unknown", {
    en: `There is no service named "${name}"`,
    bn: `"${name}" নামে কোনো সার্ভিস নেই`,
  });

export const unknownProcedure = () =>
  new GatewayError("NOT_FOUND", "gateway.procedure.unknown", {
    en: "There is no such procedure; call /trpc/<service>.<procedure>",
    bn: "এমন কোনো প্রসিডিউর নেই; /trpc/<service>.<procedure> ব্যবহার করুন",
  });

export const unreadableRequest = () =>
  new GatewayError("VALIDATION", "gateway.request.unreadable", {
    en: "The request could not be read: a batch's input must be a JSON object keyed by call index",
    bn: "অনুরোধটি পড়া যায়নি: ব্যাচের ইনপুট কল-নম্বর অনুযায়ী একটি JSON অবজেক্ট হতে হবে",
  });

export const batchTooLarge = (max: number) =>
  new GatewayError("VALIDATION", "gateway.batch.too_large", batchTooLargeText(max));

export const bodyTooLarge = (max: number) =>
  new GatewayError("VALIDATION", "gateway.request.too_large", {
    en: `The request body is larger than ${max} bytes`,
    bn: `অনুরোধের বডি ${bnNumber(max)} বাইটের চেয়ে বড়`,
  });

export const rateLimited = (scope: "tenant" | "ip", retryAfter: number) =>
  new GatewayError(
    "RATE_LIMITED",
    `gateway.rate_limited.${scope}`,
    {
      en: `Too many requests from this ${scope === "tenant" ? "organisation" : "address"}; try again in ${retryAfter} s`,
      bn: `এই ${scope === "tenant" ? "প্রতিষ্ঠান" : "ঠিকানা"} থেকে অনেক বেশি অনুরোধ; ${bnNumber(retryAfter)} সেকেন্ড পরে আবার চেষ্টা করুন`,
    },
    undefined,
    retryAfter,
  );

export const gatewayInternal = () =>
  new GatewayError("INTERNAL", "internal", {
    en: "Something went wrong in the gateway. Quote the request id when you contact support.",
    bn: "গেটওয়েতে একটি সমস্যা হয়েছে। সহায়তার জন্য অনুরোধ আইডিটি উল্লেখ করুন।",
  });

/** A refusal of the gateway's plain HTTP routes (file content, inbox stream, SMS reports). */
export const plainRefusal = (status: number, code: string, message: string, requestId: string) =>
  Response.json({ error: { code, message, requestId } }, { status, headers: { "x-request-id": requestId } });
