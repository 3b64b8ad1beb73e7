import { ArchiveInput, ByIdInput } from "../domain/common.ts";
import {
  archiveCompany,
  CreateCompanyInput,
  createCompany,
  getCompany,
  ListCompaniesInput,
  listCompanies,
  UpdateCompanyInput,
  updateCompany,
} from "../domain/companies.ts";
import { orgProcedure, router } from "../trpc.ts";

export const companiesRouter = router({
  create: orgProcedure
    .meta({ permission: "organization:company:create" })
    .input(CreateCompanyInput)
    .mutation(({ ctx, input }) => createCompany({ ctx, input })),
  get: orgProcedure
    .meta({ permission: "organization:company:read" })
    .input(ByIdInput)
    .query(({ ctx, input }) => getCompany({ ctx, input })),
  list: orgProcedure
    .meta({ permission: "organization:company:read" })
    .input(ListCompaniesInput)
    .query(({ ctx, input }) => listCompanies({ ctx, input })),
  update: orgProcedure
    .meta({ permission: "organization:company:update" })
    .input(UpdateCompanyInput)
    .mutation(({ ctx, input }) => updateCompany({ ctx, input })),
  archive: orgProcedure
    .meta({ permission: "organization:company:archive" })
    .input(ArchiveInput)
    .mutation(({ ctx, input }) => archiveCompany({ ctx, input })),
});
