import { Money } from "@vextrus/bd";
import { AppError, invalidField, jsonObject } from "@vextrus/platform";
import { z } from "zod";
import { processes } from "../db/schema.ts";
import type { WorkflowContext } from "../deps.ts";
import { assess } from "./assess.ts";
import { Journal, ListPage, type ProcessRow } from "./common.ts";
import { DefinitionKey, findDefinition } from "./definitions.ts";
import { createRound } from "./rounds.ts";
import { type PlannedStep, planRoute } from "./route.ts";

/**
 * Free-form request data (scalar fields are also facts for the rules); no default, see StartProcessInput.
 * At most 32 KB of JSON and 8 levels, no NUL and no `__proto__` / `constructor` / `prototype` key.
 */
export const Data = jsonObject({ maxBytes: 32_768, maxDepth: 8 });

/** Approval amounts are positive BDT (decimal strings on the wire, never floats). */
export const Amount = Money.refine((amount) => !amount.startsWith("-") && amount !== "0.00", {
  message: "must be greater than zero",
  params: { messageBn: "শূন্যের চেয়ে বেশি হতে হবে" },
});

export const StartProcessInput = z.object({
  definitionKey: DefinitionKey,
  subject: z.string().trim().min(1).max(300),
  amount: Amount,
  departmentId: z.uuid(),
  data: Data.default({}),
});
export const ProcessByIdInput = z.object({ id: z.uuid() });
export const ListProcessesInput = ListPage.extend({
  status: z.enum(["in_progress", "approved", "rejected", "returned"]).optional(),
  /** Only the processes the caller started. */
  mine: z.boolean().default(false),
});

type StartInput = z.infer<typeof StartProcessInput>;

/** How a planned step reads in a preview or a process: who, in which capacity, with which limit. */
export function describe(steps: readonly PlannedStep[]) {
  return steps.map((step) =>
    step.kind === "approver"
      ? {
          step: step.step,
          kind: step.kind,
          required: 1,
          approvers: step.approvers.map((link) => ({
            userId: link.userId,
            level: link.level,
            designation: link.designation.name,
            designationBn: link.designation.nameBn,
            rank: link.designation.rank,
            approvalLimit: link.designation.approvalLimit,
          })),
        }
      : {
          step: step.step,
          kind: step.kind,
          committee: step.committeeName,
          required: step.required,
          of: step.memberIds.length,
          approvers: step.memberIds.map((userId) => ({ userId })),
        },
  );
}

/** A request is charged to a department of the caller's own organisation, never another tenant's. */
async function assertDepartment(ctx: WorkflowContext, departmentId: string): Promise<void> {
  await ctx.deps.organization.department({ id: departmentId }, ctx).catch((error: unknown) => {
    if (error instanceof AppError && error.kind === "NOT_FOUND") {
      throw invalidField("departmentId", "workflow.department.unknown", {
        en: "No such department in your organisation",
        bn: "আপনার প্রতিষ্ঠানে এমন কোনো বিভাগ নেই",
      });
    }
    throw error;
  });
}

async function plan(
  ctx: WorkflowContext,
  input: Pick<StartInput, "definitionKey" | "amount" | "data" | "departmentId">,
) {
  const definition = await ctx.deps.db.tenant(ctx.tenantId, (tx) => findDefinition(tx, input.definitionKey), {
    readOnly: true,
  });
  const [{ chain, rules }] = await Promise.all([
    assess(ctx, definition, { initiatorId: ctx.principal.userId, amount: input.amount, data: input.data }),
    assertDepartment(ctx, input.departmentId),
  ]);
  const steps = planRoute({
    initiatorId: ctx.principal.userId,
    chain,
    amount: input.amount,
    rules,
    committees: definition.committees,
  });
  return { definition, chain, rules, steps };
}

/** "Who will approve this?": the route `start` would create now, without creating anything. */
export async function previewProcess({ ctx, input }: { ctx: WorkflowContext; input: StartInput }) {
  const { definition, rules, steps } = await plan(ctx, input);
  return {
    definition: { id: definition.id, key: definition.key, version: definition.version },
    amount: input.amount,
    rules: { outputs: rules.outputs, requiredRank: rules.requiredRank, flags: rules.flags },
    steps: describe(steps),
  };
}

/** Starts a process for the caller: evaluates the rules, routes up their chain, opens step 1. */
export async function startProcess({ ctx, input }: { ctx: WorkflowContext; input: StartInput }) {
  const { definition, chain, rules, steps } = await plan(ctx, input);
  const journal = new Journal(ctx);
  const now = journal.now;
  const started = await ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [row] = await tx
      .insert(processes)
      .values({
        tenantId: ctx.tenantId,
        definitionId: definition.id,
        subject: input.subject,
        amount: input.amount,
        departmentId: input.departmentId,
        data: input.data,
        initiatorId: ctx.principal.userId,
        chain,
        rules,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const created = row as ProcessRow;
    journal.transition({
      processId: created.id,
      round: 1,
      action: "started",
      actorId: ctx.principal.userId,
      toStatus: "in_progress",
      details: {
        definitionKey: definition.key,
        definitionVersion: definition.version,
        route: describe(steps),
      },
    });
    journal.event("vextrus.workflow.instance.started", created.id, {
      id: created.id,
      definitionId: definition.id,
      subject: created.subject,
      startedBy: ctx.principal.userId,
      round: 1,
      amount: created.amount,
    });
    const opened = await createRound(tx, ctx, journal, created, steps, definition.slaHours);
    await journal.flush(tx);
    return { process: created, opened };
  });
  ctx.deps.metrics.processesStarted.inc();
  return {
    process: started.process,
    steps: describe(steps),
    rules: { outputs: rules.outputs, flags: rules.flags },
    /** The tasks open now (step 1). */
    tasks: started.opened,
  };
}

/** A returned process, resubmitted by its requester (optionally changed): a new round, routed afresh. */
