/**
 * What the configuration procedures answer, as zod schemas: the routers declare them with
 * `.output(…)`, so the OpenAPI document describes every result. A value is JSON of the key's own
 * schema (`definitions.list` gives it per key), so it is free-form here.
 */
import { SCOPE_LEVELS } from "@vextrus/config";
import { PageSchema } from "@vextrus/platform";
import { z } from "zod";

const Value = z.unknown().describe("JSON of the key's own schema (see `definitions.list`)");
const Text = z.object({ en: z.string(), bn: z.string() });

export const DefinitionsResult = z.object({
  items: z.array(
    z.object({
      key: z.string(),
      kind: z.enum(["setting", "flag"]),
      description: Text,
      permission: z.string().describe("needed to set it, besides configuration:value:write"),
      scopes: z.array(z.enum(SCOPE_LEVELS)),
      default: Value,
      variants: z.array(z.string()).nullable().describe("flags only"),
      jsonSchema: z.record(z.string(), z.unknown()).describe("the value's JSON Schema"),
    }),
  ),
});

/** Where a resolved value came from: a stored version at a scope, or the definition's default. */
const Provenance = z.union([
  z.object({ level: z.literal("default") }),
  z.object({
    level: z.enum(SCOPE_LEVELS),
    scopeId: z.uuid(),
    version: z.number().int(),
    valueId: z.uuid(),
    effectiveFrom: z.date(),
    effectiveTo: z.date().nullable(),
  }),
]);

const Resolution = z.object({
  key: z.string(),
  value: Value,
  source: Provenance,
  validUntil: z
    .date()
    .nullable()
    .describe(
      "the next instant at which the answer may change by dating alone (null: not before a new change)",
    ),
});
export const ResolveResult = z.object({ ...Resolution.shape, at: z.date() });
export const ResolveManyResult = z.object({ at: z.date(), items: z.array(Resolution) });

export const VersionResult = z.object({
  id: z.uuid(),
  key: z.string(),
  scope: z.object({ level: z.enum(SCOPE_LEVELS), id: z.uuid() }),
  version: z.number().int(),
  value: Value,
  effectiveFrom: z.date(),
  effectiveTo: z.date().nullable(),
  createdAt: z.date(),
  createdBy: z.uuid(),
});
export const VersionPage = PageSchema(VersionResult);

export const FlagsResult = z.object({
  items: z.array(
    z.object({
      key: z.string(),
      variant: z.string(),
      value: z
        .union([z.boolean(), z.string()])
        .describe("true/false for a boolean flag, the variant otherwise"),
      reason: z.enum(["DISABLED", "TARGETING_MATCH", "SPLIT", "STATIC", "DEFAULT"]),
      source: Provenance,
    }),
  ),
});
