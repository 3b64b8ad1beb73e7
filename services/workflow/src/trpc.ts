import { initServiceTrpc, invalidField } from "@vextrus/platform";
import type { WorkflowDeps } from "./deps.ts";

export const { router, publicProcedure, tenantProcedure, middleware, createCallerFactory } =
  initServiceTrpc<WorkflowDeps>();

const UNPARSABLE = { en: "The request body is not valid JSON", bn: "অনুরোধের বিষয়বস্তু বৈধ JSON নয়" };

/** Tenant procedures of this service. A body that is not JSON at all is bad input (400), not an internal error. */
export const workflowProcedure = tenantProcedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof SyntaxError) {
    throw invalidField("(input)", "input.unparsable", UNPARSABLE);
  }
  return result;
});
