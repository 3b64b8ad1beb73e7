import { AppError, invalidField } from "@vextrus/platform";
import { and, asc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { departments, memberships } from "../db/schema.ts";
import type { OrgContext } from "../deps.ts";
import {
  type ArchiveInput,
  archiveRecord,
  type ByIdInput,
  definedOnly,
  findRecord,
  ListInput,
  listRecords,
  Name,
  NameBn,
  updateRecord,
} from "./common.ts";
import { publishChanged, publishCreated } from "./events.ts";
import { wouldCycle } from "./hierarchy.ts";

const LABEL = { en: "Department", bn: "বিভাগ" };
const NOT_FOUND = "organization.department.not_found";
const TABLE = {
  table: departments,
  id: departments.id,
  name: departments.name,
  archivedAt: departments.archivedAt,
  version: departments.version,
};
const LINK = { table: departments, key: departments.id, parent: departments.parentId };

export const CreateDepartmentInput = z.object({
  companyId: z.uuid(),
  parentId: z.uuid().optional(),
  code: z.string().trim().min(1).max(30).optional(),
  name: Name,
  nameBn: NameBn,
});
export const UpdateDepartmentInput = CreateDepartmentInput.omit({ companyId: true })
  .partial()
  .extend({
    id: z.uuid(),
    parentId: z.uuid().nullable().optional(),
    expectedVersion: z.number().int().min(1).optional(),
  });
export const ListDepartmentsInput = ListInput.extend({
  companyId: z.uuid().optional(),
  parentId: z.uuid().optional(),
});
export const DepartmentTreeInput = z.object({ companyId: z.uuid().optional() });

export type Department = typeof departments.$inferSelect;
export type DepartmentNode = Department & { children: DepartmentNode[] };

const CYCLE = { en: "A department cannot sit below itself", bn: "কোনো বিভাগ নিজের অধীনে থাকতে পারে না" };

export const createDepartment = ({
  ctx,
  input,
}: {
  ctx: OrgContext;
  input: z.infer<typeof CreateDepartmentInput>;
}) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    if (input.parentId) {
      const parent = await findRecord<Department>(
        tx,
        TABLE,
        input.parentId,
        { en: "Parent department", bn: "মূল বিভাগ" },
        NOT_FOUND,
      );
      if (parent.companyId !== input.companyId) {
        throw invalidField("parentId", "organization.department.parent_company", {
          en: "The parent department belongs to another company",
          bn: "মূল বিভাগটি অন্য কোম্পানির",
        });
      }
    }
    const [row] = await tx
      .insert(departments)
      .values({ ...input, tenantId: ctx.tenantId })
      .returning();
    await publishCreated(tx, ctx, "vextrus.organization.department.created", row as Department);
    ctx.deps.metrics.departmentsCreated.inc();
    return row as Department;
  });

export const getDepartment = ({ ctx, input }: { ctx: OrgContext; input: z.infer<typeof ByIdInput> }) =>
  ctx.deps.db.tenant(ctx.tenantId, (tx) => findRecord<Department>(tx, TABLE, input.id, LABEL, NOT_FOUND), {
    readOnly: true,
  });

export const listDepartments = ({
  ctx,
  input,
}: {
  ctx: OrgContext;
  input: z.infer<typeof ListDepartmentsInput>;
}) =>
  ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) =>
      listRecords<Department>(tx, TABLE, input, [
        input.companyId ? eq(departments.companyId, input.companyId) : undefined,
        input.parentId ? eq(departments.parentId, input.parentId) : undefined,
      ]),
    { readOnly: true },
  );

export const updateDepartment = ({
  ctx,
  input,
}: {
  ctx: OrgContext;
  input: z.infer<typeof UpdateDepartmentInput>;
}) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const { id, expectedVersion, ...patch } = input;
    if (patch.parentId && (await wouldCycle(tx, LINK, id, patch.parentId))) {
      throw invalidField("parentId", "organization.department.cycle", CYCLE);
    }
    const change = await updateRecord<Department>(
      tx,
      TABLE,
      { id, expectedVersion },
      definedOnly(patch),
      LABEL,
      NOT_FOUND,
    );
    await publishChanged(tx, ctx, "vextrus.organization.department.updated", change);
    return change.after;
  });

/** Archiving is refused while active sub-departments or members remain. */
export const archiveDepartment = ({ ctx, input }: { ctx: OrgContext; input: z.infer<typeof ArchiveInput> }) =>
  ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [child] = await tx
      .select({ id: departments.id })
      .from(departments)
      .where(and(eq(departments.parentId, input.id), isNull(departments.archivedAt)))
      .limit(1);
    const [member] = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .where(and(eq(memberships.departmentId, input.id), isNull(memberships.archivedAt)))
      .limit(1);
    if (child || member) {
      throw new AppError("PRECONDITION_FAILED", "organization.department.in_use", {
        en: "Move or archive this department's sub-departments and members first",
        bn: "প্রথমে এই বিভাগের উপবিভাগ ও সদস্যদের সরান বা আর্কাইভ করুন",
      });
    }
    const change = await archiveRecord<Department>(tx, TABLE, input, LABEL, NOT_FOUND);
    await publishChanged(tx, ctx, "vextrus.organization.department.archived", change);
    return change.after;
  });

/** The active departments as a forest (roots first, children in creation order). */
export async function departmentTree({
  ctx,
  input,
}: {
  ctx: OrgContext;
  input: z.infer<typeof DepartmentTreeInput>;
}) {
  const rows = await ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) =>
      tx
        .select()
        .from(departments)
        .where(
          and(
            isNull(departments.archivedAt),
            input.companyId ? eq(departments.companyId, input.companyId) : undefined,
          ),
        )
        .orderBy(asc(departments.id)),
    { readOnly: true },
  );
  const nodes = new Map<string, DepartmentNode>(rows.map((row) => [row.id, { ...row, children: [] }]));
  const roots: DepartmentNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}
