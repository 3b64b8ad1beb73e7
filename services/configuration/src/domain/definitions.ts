import { DEFINITIONS, describeDefinition } from "@vextrus/config";
import { z } from "zod";

export const ListDefinitionsInput = z
  .strictObject({ kind: z.enum(["setting", "flag"]).optional() })
  .default({});

const described = DEFINITIONS.map(describeDefinition);

/** Every declared key with its JSON Schema, default, scopes and permission (what a settings form needs). */
export function listDefinitions({ input }: { input: z.infer<typeof ListDefinitionsInput> }) {
  return { items: input.kind ? described.filter((d) => d.kind === input.kind) : described };
}
