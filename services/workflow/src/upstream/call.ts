import { createTRPCUntypedClient, httpLink, TRPCClientError } from "@trpc/client";
import { AppError, type ErrorKind } from "@vextrus/platform";
import superjson from "superjson";
import type { z } from "zod";

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface UpstreamOptions {
  /** The service's base URL, e.g. `http://127.0.0.1:3002` (tRPC is served at `/trpc`). */
  url: string;
  name: string;
  timeoutMs: number;
  /** Tests pass an in-process app's fetch; production uses the global fetch. */
  fetch?: Fetch | undefined;
}

export interface UpstreamCall<T> {
  path: string;
  type: "query" | "mutation";
  input: unknown;
  output: z.ZodType<T>;
  authorization: string | undefined;
  requestId: string;
}

const PASSED_THROUGH: Partial<Record<string, ErrorKind>> = {
  FORBIDDEN: "FORBIDDEN",
  UNAUTHORIZED: "UNAUTHORIZED",
  NOT_FOUND: "NOT_FOUND",
  PRECONDITION_FAILED: "PRECONDITION_FAILED",
  TOO_MANY_REQUESTS: "RATE_LIMITED",
};

/**
 * Calls a procedure of another Vextrus service over HTTP tRPC, forwarding the caller's token and
 * request id, and checks the answer against the contract. Its refusals keep their kind (FORBIDDEN,
 * NOT_FOUND…) with its message prefixed by the service, its BAD_REQUEST blames `data`; anything else is
 * UNAVAILABLE.
 */
export async function callUpstream<T>(options: UpstreamOptions, call: UpstreamCall<T>): Promise<T> {
  const fetchImpl = options.fetch ?? fetch;
  const client = createTRPCUntypedClient({
    links: [
      httpLink({
        url: `${options.url.replace(/\/$/, "")}/trpc`,
        transformer: superjson,
        headers: () => ({
          "x-request-id": call.requestId,
          ...(call.authorization ? { authorization: call.authorization } : {}),
        }),
        fetch: (url, init) =>
          fetchImpl(String(url), {
            ...(init as RequestInit),
            signal: AbortSignal.timeout(options.timeoutMs),
          }),
      }),
    ],
  });
  let answer: unknown;
  try {
    answer =
      call.type === "query"
        ? await client.query(call.path, call.input)
        : await client.mutation(call.path, call.input);
  } catch (error) {
    throw upstreamError(options.name, call.path, error);
  }
  const parsed = call.output.safeParse(answer);
  if (!parsed.success) {
    throw new AppError("UNAVAILABLE", "workflow.upstream.contract", {
      en: `${options.name} answered ${call.path} in an unexpected shape`,
      bn: `${options.name} ${call.path} এর উত্তর অপ্রত্যাশিত আকারে দিয়েছে`,
    });
  }
  return parsed.data;
}

function upstreamError(name: string, path: string, error: unknown): AppError {
  if (error instanceof TRPCClientError) {
    const code = (error.data as { code?: unknown } | undefined)?.code;
    if (code === "BAD_REQUEST") {
      // Our input was checked here; what the other service refuses is a fact taken from `data`.
      return new AppError(
        "VALIDATION",
        "workflow.upstream.invalid",
        {
          en: `${name} refused the request's data: ${error.message}`,
          bn: `${name} অনুরোধের তথ্য গ্রহণ করেনি: ${error.message}`,
        },
        "data",
      );
    }
    const kind = typeof code === "string" ? PASSED_THROUGH[code] : undefined;
    if (kind) {
      return new AppError(kind, `workflow.upstream.${kind.toLowerCase()}`, {
        en: `${name} refused ${path}: ${error.message}`,
        bn: `${name} ${path} প্রত্যাখ্যান করেছে: ${error.message}`,
      });
    }
  }
  return new AppError("UNAVAILABLE", "workflow.upstream.unavailable", {
    en: `${name} is not answering; try again shortly`,
    bn: `${name} সাড়া দিচ্ছে না; একটু পরে আবার চেষ্টা করুন`,
  });
}
