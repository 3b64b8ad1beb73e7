import { NoInput } from "../domain/inbox.ts";
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
    .query(({ ctx }) => listTemplates({ ctx })),
  history: tenantProcedure
    .meta({ permission: "notification:template:read" })
    .input(TemplateRef)
    .query(({ ctx, input }) => templateHistory({ ctx, input })),
  /** Renders a proposed text with the template's sample values; stores nothing. */
  preview: tenantProcedure
    .meta({ permission: "notification:template:read" })
    .input(PreviewTemplateInput)
    .query(({ input }) => previewTemplate({ input })),
  update: tenantProcedure
    .meta({ permission: "notification:template:update" })
    .input(SetTemplateInput)
    .mutation(({ ctx, input }) => setTemplate({ ctx, input })),
  /** Back to the built-in text (a new version; the history keeps the old ones). */
  reset: tenantProcedure
    .meta({ permission: "notification:template:update" })
    .input(ResetTemplateInput)
    .mutation(({ ctx, input }) => resetTemplate({ ctx, input })),
});
