import {
  type EvaluationContext,
  FlagNotFoundError,
  InvalidContextError,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
  TypeMismatchError,
} from "@openfeature/server-sdk";
import { createServiceClient, type Fetch } from "@vextrus/platform";
import { z } from "zod";
import { FLAG_KEYS } from "./registry.ts";

export interface FlagProviderOptions {
  /** The configuration service's base URL. */
  url: string;
  timeoutMs?: number;
  fetch?: Fetch | undefined;
}

const Answer = z.object({
  items: z.array(
    z.object({
      key: z.string(),
      variant: z.string(),
      value: z.union([z.boolean(), z.string()]),
      reason: z.string(),
    }),
  ),
});

const Context = z.object({
  tenantId: z.uuid(),
  /** The caller's own Authorization header, forwarded: flags are evaluated with their rights. */
  authorization: z.string().min(1),
  requestId: z.string().min(1).optional(),
  targetingKey: z.uuid().optional(),
  companyId: z.uuid().optional(),
});

const known = new Set<string>(FLAG_KEYS);

/**
 * An OpenFeature server provider over `config.flags.evaluate`, so services use the standard SDK:
 * `OpenFeature.setProvider(new VextrusFlagProvider({ url }))`, then
 * `client.getBooleanValue("workflow.flags.parallelApproval", false, { tenantId, authorization, targetingKey: userId })`.
 * Boolean flags (variants on/off) answer booleans, variant flags strings; the reason is the service's
 * (TARGETING_MATCH, SPLIT, STATIC, DEFAULT, DISABLED).
 */
export class VextrusFlagProvider implements Provider {
  readonly metadata = { name: "vextrus-configuration" } as const;
  readonly runsOn = "server" as const;
  private readonly client;

  constructor(options: FlagProviderOptions) {
    this.client = createServiceClient({
      service: "configuration",
      url: options.url,
      timeoutMs: options.timeoutMs ?? 2_000,
      fetch: options.fetch,
    });
  }

  private async evaluate(flagKey: string, context: EvaluationContext) {
    if (!known.has(flagKey)) {
      throw new FlagNotFoundError(`${flagKey} is not a declared flag`);
    }
    const parsed = Context.safeParse(context);
    if (!parsed.success) {
      throw new InvalidContextError("the context needs tenantId and authorization (and a uuid targetingKey)");
    }
    const { tenantId, authorization, requestId, targetingKey, companyId } = parsed.data;
    const answer = await this.client.query(
      "flags.evaluate",
      { keys: [flagKey], context: { userId: targetingKey, companyId } },
      Answer,
      { authorization, requestId: requestId ?? `openfeature-${tenantId}` },
    );
    const item = answer.items[0];
    if (!item) {
      throw new FlagNotFoundError(flagKey);
    }
    return item;
  }

  private async typed<T extends boolean | string>(
    flagKey: string,
    context: EvaluationContext,
    type: "boolean" | "string",
  ): Promise<ResolutionDetails<T>> {
    const item = await this.evaluate(flagKey, context);
    if (typeof item.value !== type) {
      throw new TypeMismatchError(`${flagKey} answers a ${typeof item.value}, not a ${type}`);
    }
    return { value: item.value as T, variant: item.variant, reason: item.reason };
  }

  resolveBooleanEvaluation(flagKey: string, _default: boolean, context: EvaluationContext) {
    return this.typed<boolean>(flagKey, context, "boolean");
  }

  resolveStringEvaluation(flagKey: string, _default: string, context: EvaluationContext) {
    return this.typed<string>(flagKey, context, "string");
  }

  async resolveNumberEvaluation(flagKey: string): Promise<ResolutionDetails<number>> {
    throw new TypeMismatchError(`${flagKey}: Vextrus flags are boolean or string variants`);
  }

  async resolveObjectEvaluation<T extends JsonValue>(flagKey: string): Promise<ResolutionDetails<T>> {
    throw new TypeMismatchError(`${flagKey}: Vextrus flags are boolean or string variants`);
  }
}
