import {
  CreateDefinitionInput,
  createDefinition,
  GetDefinitionInput,
  getDefinition,
  ListDefinitionsInput,
  listDefinitions,
} from "../domain/definitions.ts";
import { DefinitionPage, DefinitionResult } from "../domain/results.ts";
import { router, workflowProcedure } from "../trpc.ts";

export const definitionsRouter = router({
  /** A new definition, or a new version of an existing key. */
  create: workflowProcedure
    .meta({ permission: "workflow:definition:create" })
    .input(CreateDefinitionInput)
    .output(DefinitionResult)
    .mutation(({ ctx, input }) => createDefinition({ ctx, input })),
  get: workflowProcedure
    .meta({ permission: "workflow:definition:read" })
    .input(GetDefinitionInput)
    .output(DefinitionResult)
    .query(({ ctx, input }) => getDefinition({ ctx, input })),
  list: workflowProcedure
    .meta({ permission: "workflow:definition:read" })
    .input(ListDefinitionsInput)
    .output(DefinitionPage)
    .query(({ ctx, input }) => listDefinitions({ ctx, input })),
});
