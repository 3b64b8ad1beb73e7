import { AppError, invalidField } from "@vextrus/platform";
import { and, asc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { departments, memberships } from "../db/schema.ts";
import type { OrgContext } from "../deps.ts";
import { ExpectedVersion, ListInput, Name, NameBn } from "./common.ts";
import { wouldCycle } from "./hierarchy.ts";
import { recordVerbs } from "./record-verbs.ts";

export const CreateDepartmentInput = z.object({
  companyId: z.uuid(),
  parentId: z.uuid().optional(),
  code: z.string().trim().min(1).max(30).optional(),
  name: Name,
  nameBn: NameBn,
});
export const UpdateDepartmentInput = CreateDepartmentInput.omit({ companyId: true }).partial().extend({
  id: z.uuid(),
  parentId: z.uuid().nullable().optional(),
  expectedVersion: ExpectedVersion,
});
export const ListDepartmentsInput = ListInput.extend({
  companyId: z.uuid().optional(),
  parentId: z.uuid().optional(),
});
export const DepartmentTreeInput = z.object({ companyId: z.uuid().optional() });

export type Department = typeof departments.$inferSelect;
export type DepartmentNode = Department & { children: DepartmentNode[] };

const LINK = { table: departments, key: departments.id, parent: departments.parentId };
const CYCLE = { en: "A department cannot sit below itself", bn: "কোনো বিভাগ নিজের অধীনে থাকতে পারে না" };

const verbs = recordVerbs<
  Department,
  z.infer<typeof CreateDepartmentInput>,
  z.infer<typeof UpdateDepartmentInput>
>({
  entity: "department",
  label: { en: "Department", bn: "বিভাগ" },
  table: {
    table: departments,
    id: departments.id,
    name: departments.name,
    archivedAt: departments.archivedAt,
    version: departments.version,
  },
  /** A sub-department belongs to its parent's company. */
  async beforeCreate(tx, input) {
    if (input.parentId) {
      const parent = await verbs.find(tx, input.parentId);
      if (parent.companyId !== input.companyId) {
        throw invalidField("parentId", "organization.department.parent_company", {
          en: "The parent department belongs to another company",
          bn: "মূল বিভাগটি অন্য কোম্পানির",
        });
      }
    }
  },
  async beforeUpdate(tx, input) {
    if (input.parentId && (await wouldCycle(tx, LINK, input.id, input.parentId))) {
      throw invalidField("parentId", "organization.department.cycle", CYCLE);
    }
  },
  /** Archiving is refused while active sub-departments or members remain. */
  async beforeArchive(tx, id) {
    const [child] = await tx
      .select({ id: departments.id })
      .from(departments)
      .where(and(eq(departments.parentId, id), isNull(departments.archivedAt)))
      .limit(1);
    const [member] = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .where(and(eq(memberships.departmentId, id), isNull(memberships.archivedAt)))
      .limit(1);
    if (child || member) {
      throw new AppError("PRECONDITION_FAILED", "organization.department.in_use", {
        en: "Move or archive this department's sub-departments and members first",
        bn: "প্রথমে এই বিভাগের উপবিভাগ ও সদস্যদের সরান বা আর্কাইভ করুন",
      });
    }
  },
});

export const createDepartment = async (call: {
  ctx: OrgContext;
  input: z.infer<typeof CreateDepartmentInput>;
}) => {
  const row = await verbs.create(call);
  call.ctx.deps.metrics.departmentsCreated.inc();
  return row;
};
export const getDepartment = verbs.get;
export const updateDepartment = verbs.update;
export const archiveDepartment = verbs.archive;
export const listDepartments = ({
  ctx,
  input,
}: {
  ctx: OrgContext;
  input: z.infer<typeof ListDepartmentsInput>;
}) =>
  verbs.list({ ctx, input }, [
    input.companyId ? eq(departments.companyId, input.companyId) : undefined,
    input.parentId ? eq(departments.parentId, input.parentId) : undefined,
  ]);

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
