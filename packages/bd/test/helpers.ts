import type { z } from "zod";
import { BdError, bdMessage, issueCode, type Locale } from "../src/index.ts";

/** The stable codes of the issues a schema raises for an input (empty when it parses). */
export function codes(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map(issueCode);
}

/** The message of the first issue a schema raises, in one language. */
export function message(schema: z.ZodType, input: unknown, locale: Locale): string {
  const issue = schema.safeParse(input).error?.issues[0];
  if (!issue) {
    throw new Error(`expected ${String(input)} to fail`);
  }
  return bdMessage(issue, locale);
}

/** The BdError a function throws (fails the test when it does not throw one). */
export function bdError(fn: () => unknown): BdError {
  try {
    fn();
  } catch (error) {
    if (error instanceof BdError) {
      return error;
    }
    throw error;
  }
  throw new Error("expected a BdError");
}

/** Any Bengali digit in a string. */
export const BENGALI_DIGIT = /[০-৯]/;
