/**
 * What the record procedures answer, as zod schemas derived from the tables (drizzle-zod): each router
 * declares them with `.output(…)`, so the OpenAPI document describes every result and a row that does
 * not match its table's shape never leaves the service.
 */
import { PageSchema } from "@vextrus/platform";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { branches, companies, departments, designations, memberships, tenants } from "../db/schema.ts";

export const TenantResult = createSelectSchema(tenants);
export const CompanyResult = createSelectSchema(companies);
export const BranchResult = createSelectSchema(branches);
export const DepartmentResult = createSelectSchema(departments);
export const DesignationResult = createSelectSchema(designations);
export const MembershipResult = createSelectSchema(memberships);

export const CompanyPage = PageSchema(CompanyResult);
export const BranchPage = PageSchema(BranchResult);
export const DepartmentPage = PageSchema(DepartmentResult);
export const DesignationPage = PageSchema(DesignationResult);
export const MembershipPage = PageSchema(MembershipResult);
export const TenantPage = PageSchema(TenantResult);
export const TenantDiscarded = z.object({ tenantId: z.uuid(), discarded: z.boolean() });

/** An active department with its active sub-departments, nested (`departments.tree`). */
type DepartmentNode = z.infer<typeof DepartmentResult> & { children: DepartmentNode[] };
export const DepartmentNode: z.ZodType<DepartmentNode, DepartmentNode> = z.object({
  ...DepartmentResult.shape,
  children: z.lazy(() => z.array(DepartmentNode)),
});
export const DepartmentTree = z.array(DepartmentNode);

export const ChainResult = z.object({
  userId: z.uuid(),
  chain: z
    .array(
      z.object({
        level: z.number().int().describe("0 is the user; 1 the person they report to; and so on upward"),
        userId: z.uuid(),
        membershipId: z.uuid(),
        companyId: z.uuid(),
        departmentId: z.uuid(),
        designation: z.object({
          id: z.uuid(),
          name: z.string(),
          nameBn: z.string().nullable(),
          rank: z.number().int(),
          approvalLimit: z.string().describe("a decimal string, e.g. 500000.00"),
        }),
      }),
    )
    .describe("from the user upward; people who have left are skipped"),
});
