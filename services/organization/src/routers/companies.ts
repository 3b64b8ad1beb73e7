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
import { CompanyPage, CompanyResult } from "../domain/results.ts";
import { orgProcedure, router } from "../trpc.ts";

export const companiesRouter = router({
  create: orgProcedure
    .meta({ permission: "organization:company:create" })
    .input(CreateCompanyInput)
    .output(CompanyResult)
    .mutation(({ ctx, input }) => createCompany({ ctx, input })),
  get: orgProcedure
    .meta({ permission: "organization:company:read" })
    .input(ByIdInput)
    .output(CompanyResult)
    .query(({ ctx, input }) => getCompany({ ctx, input })),
  list: orgProcedure
    .meta({ permission: "organization:company:read" })
    .input(ListCompaniesInput)
    .output(CompanyPage)
    .query(({ ctx, input }) => listCompanies({ ctx, input })),
  update: orgProcedure
    .meta({ permission: "organization:company:update" })
    .input(UpdateCompanyInput)
    .output(CompanyResult)
    .mutation(({ ctx, input }) => updateCompany({ ctx, input })),
  archive: orgProcedure
    .meta({ permission: "organization:company:archive" })
    .input(ArchiveInput)
    .output(CompanyResult)
    .mutation(({ ctx, input }) => archiveCompany({ ctx, input })),
});
