import { installPacks, listPacks } from "../domain/packs.ts";
import { router, tenantProcedure } from "../trpc.ts";
import { InstallPacksInput } from "./schemas.ts";

export const packsRouter = router({
  list: tenantProcedure.meta({ permission: "rules:ruleset:read" }).query(() => listPacks()),
  /** Installs the built-in packs the tenant lacks; safe to call again. */
  install: tenantProcedure
    .meta({ permission: "rules:rule:write" })
    .input(InstallPacksInput)
    .mutation(({ ctx, input }) => installPacks({ ctx, input: { packs: input?.packs } })),
});
