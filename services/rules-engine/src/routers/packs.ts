import { installPacks, listPacks } from "../domain/packs.ts";
import { PackList, PacksInstalled } from "../domain/results.ts";
import { router, tenantProcedure } from "../trpc.ts";
import { InstallPacksInput } from "./schemas.ts";

export const packsRouter = router({
  list: tenantProcedure
    .meta({ permission: "rules:ruleset:read" })
    .output(PackList)
    .query(() => listPacks()),
  /** Installs the built-in packs the tenant lacks; safe to call again. */
  install: tenantProcedure
    .meta({ permission: "rules:rule:write" })
    .input(InstallPacksInput)
    .output(PacksInstalled)
    .mutation(({ ctx, input }) => installPacks({ ctx, input: { packs: input?.packs } })),
});
