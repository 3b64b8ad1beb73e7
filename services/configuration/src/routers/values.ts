import { EvaluateInput, evaluateFlags } from "../domain/flags.ts";
import { ResolveInput, ResolveManyInput, resolve, resolveMany } from "../domain/resolve.ts";
import {
  FlagsResult,
  ResolveManyResult,
  ResolveResult,
  VersionPage,
  VersionResult,
} from "../domain/results.ts";
import { HistoryInput, history, ListValuesInput, listValues, SetInput, setValue } from "../domain/values.ts";
import { router, tenantProcedure } from "../trpc.ts";

const READ = "configuration:value:read";

/** `config.resolve`, `config.resolveMany`, `config.set`, `config.history`: the top level of the API. */
export const valueProcedures = {
  // Every signed-in user of the tenant works under its settings (language, time zone, flags…), and
  // services resolve with the caller's own token: resolving needs no permission, changing does.
  resolve: tenantProcedure
    .input(ResolveInput)
    .output(ResolveResult)
    .query(({ ctx, input }) => resolve({ ctx, input })),
  resolveMany: tenantProcedure
    .input(ResolveManyInput)
    .output(ResolveManyResult)
    .query(({ ctx, input }) => resolveMany({ ctx, input })),
  set: tenantProcedure
    .meta({ permission: "configuration:value:write" })
    .input(SetInput)
    .output(VersionResult)
    .mutation(({ ctx, input }) => setValue({ ctx, input })),
  history: tenantProcedure
    .meta({ permission: READ })
    .input(HistoryInput)
    .output(VersionPage)
    .query(({ ctx, input }) => history({ ctx, input })),
};

export const valuesRouter = router({
  list: tenantProcedure
    .meta({ permission: READ })
    .input(ListValuesInput)
    .output(VersionPage)
    .query(({ ctx, input }) => listValues({ ctx, input })),
});

export const flagsRouter = router({
  evaluate: tenantProcedure
    .input(EvaluateInput)
    .output(FlagsResult)
    .query(({ ctx, input }) => evaluateFlags({ ctx, input })),
});
