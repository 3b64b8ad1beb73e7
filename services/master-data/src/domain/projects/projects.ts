import { LAND_UNITS, squareFeet } from "@vextrus/bd";
import { invalidField } from "@vextrus/platform";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { projects } from "../../db/schema.ts";
import type { MdContext } from "../../deps.ts";
import {
  Code,
  ExpectedVersion,
  ListInput,
  Name,
  NameBn,
  NonNegativeMoney,
  recordTermsOf,
} from "../common.ts";
import { Address } from "../parties/values.ts";
import { recordVerbs } from "../records.ts";
import { decimalSchema } from "../units/decimal.ts";

export const PROJECT_STATUSES = ["planned", "active", "on_hold", "completed", "cancelled"] as const;
const IsoDate = z.iso.date();

const fields = {
  companyId: z.uuid(),
  code: Code,
  kind: z.enum(["construction", "real_estate"]),
  name: Name,
  nameBn: NameBn,
  siteAddress: Address,
  /** RAJUK (Dhaka), CDA (Chattogram), KDA (Khulna), RDA (Rajshahi) or another authority. */
  approvalAuthority: z.enum(["rajuk", "cda", "kda", "rda", "other"]),
  /** The permit's reference: no published format, kept as written. */
  approvalRef: z.string().trim().min(1).max(100),
  approvalDate: IsoDate,
  plotSize: decimalSchema(4, true),
  plotUnit: z.enum(LAND_UNITS),
  budget: NonNegativeMoney,
  startDate: IsoDate,
  endDate: IsoDate,
  status: z.enum(PROJECT_STATUSES),
  /** The project manager: organization's membership (a user in the company), stored as given. */
  managerMembershipId: z.uuid(),
};

const datesOrdered = (p: { startDate?: string | null; endDate?: string | null }) =>
  !p.startDate || !p.endDate || p.endDate >= p.startDate;
const ENDS_BEFORE_TEXT = { en: "The end date is before the start date", bn: "শেষের তারিখ শুরুর তারিখের আগে" };
/** A function, not a shared object: zod takes `message` out of the params object it is given. */
const ENDS_BEFORE = () => ({
  message: ENDS_BEFORE_TEXT.en,
  params: { messageBn: ENDS_BEFORE_TEXT.bn },
  path: ["endDate"],
});
const plotTogether = (p: { plotSize?: string | null; plotUnit?: string | null }) =>
  (p.plotSize == null) === (p.plotUnit == null);
const PLOT_TOGETHER = () => ({
  message: "Give the plot size and its unit together",
  params: { messageBn: "জমির পরিমাণ ও একক একসাথে দিন" },
  path: ["plotUnit"],
});

export const CreateProjectInput = z
  .object({
    ...fields,
    kind: fields.kind.default("construction"),
    nameBn: fields.nameBn.optional(),
    siteAddress: fields.siteAddress.optional(),
    approvalAuthority: fields.approvalAuthority.optional(),
    approvalRef: fields.approvalRef.optional(),
    approvalDate: fields.approvalDate.optional(),
    plotSize: fields.plotSize.optional(),
    plotUnit: fields.plotUnit.optional(),
    budget: fields.budget.optional(),
    startDate: fields.startDate.optional(),
    endDate: fields.endDate.optional(),
    status: fields.status.default("planned"),
    managerMembershipId: fields.managerMembershipId.optional(),
  })
  .refine(datesOrdered, ENDS_BEFORE())
  .refine(plotTogether, PLOT_TOGETHER());

/** Company and kind never change. */
export const UpdateProjectInput = z
  .object({
    id: z.uuid(),
    expectedVersion: ExpectedVersion,
    code: fields.code.optional(),
    name: fields.name.optional(),
    nameBn: fields.nameBn.nullable().optional(),
    siteAddress: fields.siteAddress.nullable().optional(),
    approvalAuthority: fields.approvalAuthority.nullable().optional(),
    approvalRef: fields.approvalRef.nullable().optional(),
    approvalDate: fields.approvalDate.nullable().optional(),
    plotSize: fields.plotSize.nullable().optional(),
    plotUnit: fields.plotUnit.nullable().optional(),
    budget: fields.budget.nullable().optional(),
    startDate: fields.startDate.nullable().optional(),
    endDate: fields.endDate.nullable().optional(),
    status: fields.status.optional(),
    managerMembershipId: fields.managerMembershipId.nullable().optional(),
  })
  .refine(datesOrdered, ENDS_BEFORE())
  .refine(plotTogether, PLOT_TOGETHER());

export const ListProjectsInput = ListInput.extend({
  companyId: z.uuid().optional(),
  status: fields.status.optional(),
  includeArchived: z.boolean().default(false),
});

export type Project = typeof projects.$inferSelect;
export const PROJECT = { key: "project", event: "project", label: { en: "Project", bn: "প্রকল্প" } } as const;

const verbs = recordVerbs<Project, z.infer<typeof CreateProjectInput>, z.infer<typeof UpdateProjectInput>>({
  entity: PROJECT,
  table: {
    table: projects,
    id: projects.id,
    version: projects.version,
    terms: recordTermsOf("projects"),
    archivedAt: projects.archivedAt,
  },
  unique: { projects_tenant_id_code_key: "code" },
  /** The plot in square feet, exactly (katha 720, decimal 435.6, acre 43,560). */
  derive: (input) =>
    input.plotSize === undefined
      ? {}
      : { plotSizeSft: input.plotSize && input.plotUnit ? squareFeet(input.plotSize, input.plotUnit) : null },
  /** A date changed alone must still leave the end after the start. */
  async beforeUpdate(tx, input) {
    if (input.startDate === undefined && input.endDate === undefined) {
      return;
    }
    const current = await verbs.find(tx, input.id);
    const dates = {
      startDate: input.startDate === undefined ? current.startDate : input.startDate,
      endDate: input.endDate === undefined ? current.endDate : input.endDate,
    };
    if (!datesOrdered(dates)) {
      throw invalidField("endDate", "master_data.project.dates", ENDS_BEFORE_TEXT);
    }
  },
});

export const findProject = verbs.find;
export const createProject = verbs.create;
export const getProject = verbs.get;
export const updateProject = verbs.update;
export const archiveProject = verbs.archive;
export const restoreProject = verbs.restore;
export const listProjects = ({ ctx, input }: { ctx: MdContext; input: z.infer<typeof ListProjectsInput> }) =>
  verbs.list({ ctx, input }, [
    input.companyId ? eq(projects.companyId, input.companyId) : undefined,
    input.status ? eq(projects.status, input.status) : undefined,
  ]);
