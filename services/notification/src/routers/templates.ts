import { NoInput } from "../domain/inbox.ts";
import { Rendered, TemplateHistory, TemplateList, TemplateResult } from "../domain/results.ts";
import {
  listTemplates,
  PreviewTemplateInput,
  previewTemplate,
  ResetTemplateInput,
  resetTemplate,
  SetTemplateInput,
  setTemplate,
  TemplateRef,
  templateHistory,
} from "../domain/template-versions.ts";
import { router, tenantProcedure } from "../trpc.ts";

/** A tenant's own text for the built-in templates, versioned. */
export const templatesRouter = router({
  list: tenantProcedure
    .meta({ permission: "notification:template:read" })
    .input(NoInput)
    .output(TemplateList)
    .query(({ ctx }) => listTemplates({ ctx })),
  history: tenantProcedure
    .meta({ permission: "notification:template:read" })
    .input(TemplateRef)
    .output(TemplateHistory)
    .query(({ ctx, input }) => templateHistory({ ctx, input })),
  /** Renders a proposed text with the template's sample values; stores nothing. */
  preview: tenantProcedure
    .meta({ permission: "notification:template:read" })
    .input(PreviewTemplateInput)
    .output(Rendered)
    .query(({ input }) => previewTemplate({ input })),
  update: tenantProcedure
    .meta({ permission: "notification:template:update" })
    .input(SetTemplateInput)
    .output(TemplateResult)
    .mutation(({ ctx, input }) => setTemplate({ ctx, input })),
  /** Back to the built-in text (a new version; the history keeps the old ones). */
  reset: tenantProcedure
    .meta({ permission: "notification:template:update" })
    .input(ResetTemplateInput)
    .output(TemplateResult)
    .mutation(({ ctx, input }) => resetTemplate({ ctx, input })),
});
