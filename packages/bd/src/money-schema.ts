import { z } from "zod";
import { bdIssue } from "./errors.ts";
import { type Amount, fromPoisha, readPoisha } from "./money.ts";

/**
 * Zod schema: a number or decimal string → two-decimal string, with bd codes on failure. The metadata
 * is what `z.toJSONSchema` (the OpenAPI document) says of a money input: zod cannot describe a custom
 * check by itself, and would say "anything".
 */
export const Money = z
  .custom<Amount>((input) => typeof input === "number" || typeof input === "string", {
    message: bdIssue("bd.money.invalid").message,
    params: { code: "bd.money.invalid" },
  })
  .meta({
    type: "string",
    description:
      'Money in taka, as a decimal string with at most two decimals ("1250000.00"; a JSON number is accepted too)',
    examples: ["1250000.00"],
  })
  .transform((input, ctx) => {
    const poisha = readPoisha(input);
    if (typeof poisha === "string") {
      ctx.addIssue(bdIssue(poisha));
      return z.NEVER;
    }
    return fromPoisha(poisha);
  });
export type Money = z.output<typeof Money>;
