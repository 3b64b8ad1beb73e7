import {
  createTRPCClient,
  httpBatchLink,
  httpBatchStreamLink,
  httpLink,
  type TRPCClient,
  TRPCClientError,
} from "@trpc/client";
import superjson from "superjson";
import { refreshLink, type TokenState, type Tokens } from "./refresh.ts";
import type { VextrusRouter } from "./router.ts";

export type { RouterInputs, RouterOutputs, VextrusRouter, VextrusServices } from "./router.ts";
export type { Tokens };
export { TRPCClientError };

export type VextrusClient = TRPCClient<VextrusRouter>;
/** What a failed call throws: `error.data` has `code`, `kind`, `appCode`, `requestId` and `issues`. */
export type VextrusClientError = TRPCClientError<VextrusRouter>;

export interface VextrusClientOptions {
  /** The gateway, e.g. `http://localhost:3000` (`/trpc` is added when missing). */
  url: string;
  /** Access token sent as `Authorization: Bearer …`. */
  token?: string | undefined;
  /** When set, an UNAUTHORIZED answer refreshes the pair once (auth.refresh) and retries the call. */
  refreshToken?: string | undefined;
  /** Called with every new token pair, so the caller can persist it. */
  onTokens?: (tokens: Tokens) => void | Promise<void>;
  /** Language of error messages: `bn` or `en` (default: the server's, English). */
  locale?: "en" | "bn";
  /**
   * Calls made in the same tick go out as one request (default `true`); `"stream"` also streams the
   * answers back as each is ready (httpBatchStreamLink); `false` sends one request per call.
   */
  batch?: boolean | "stream";
  /** Extra headers for every request (e.g. `x-request-id`). */
  headers?: () => Record<string, string>;
  /** A fetch of your own (e.g. with a proxy or a timeout); the global one by default. */
  fetch?: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
}

/** The one call the client makes on its own: exchanging the refresh token after an UNAUTHORIZED. */
const REFRESH_PATH = "auth.refresh";
/** The gateway's default MAX_BATCH_SIZE: bigger batches are split by the client. */
const MAX_BATCH = 50;

function trpcUrl(url: string): string {
  const base = url.replace(/\/+$/, "");
  return base.endsWith("/trpc") ? base : `${base}/trpc`;
}

/**
 * A typed client for the whole API through the gateway:
 * `client.organization.departments.create.mutate({ … })`. Dates arrive as Dates (superjson).
 */
export function createVextrusClient(options: VextrusClientOptions): VextrusClient {
  const url = trpcUrl(options.url);
  const state: TokenState = { accessToken: options.token, refreshToken: options.refreshToken };
  const common = () => ({
    ...options.headers?.(),
    ...(options.locale ? { "accept-language": options.locale } : {}),
  });
  const headers = () => ({
    ...common(),
    ...(state.accessToken ? { authorization: `Bearer ${state.accessToken}` } : {}),
  });
  const fetcher = options.fetch;
  const bare = createTRPCClient<VextrusRouter>({
    links: [httpLink({ url, transformer: superjson, fetch: fetcher, headers: common })],
  });
  const refresh = async (refreshToken: string): Promise<Tokens> => {
    const pair = await bare.auth.refresh.mutate({ refreshToken });
    return { accessToken: pair.accessToken, refreshToken: pair.refreshToken };
  };
  const linkOptions = { url, transformer: superjson, fetch: fetcher, headers };
  const transport =
    options.batch === false
      ? httpLink(linkOptions)
      : options.batch === "stream"
        ? httpBatchStreamLink({ ...linkOptions, maxItems: MAX_BATCH })
        : httpBatchLink({ ...linkOptions, maxItems: MAX_BATCH });
  return createTRPCClient<VextrusRouter>({
    links: [refreshLink<VextrusRouter>(state, refresh, options.onTokens, REFRESH_PATH), transport],
  });
}
