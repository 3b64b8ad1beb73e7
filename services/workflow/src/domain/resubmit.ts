import { AppError, forbidden } from "@vextrus/platform";
import { z } from "zod";
import type { WorkflowContext } from "../deps.ts";
import { assess } from "./assess.ts";
import { findProcess, Journal, lockProcess, type ProcessRow, touchProcess } from "./common.ts";
import { findDefinitionById } from "./definitions.ts";
import { Amount, Data, describe } from "./processes.ts";
import { createRound } from "./rounds.ts";
import { planRoute } from "./route.ts";

export const ResubmitProcessInput = z.object({
  processId: z.uuid(),
  expectedVersion: z.number().int().min(1),
  amount: Amount.optional(),
  subject: z.string().trim().min(1).max(300).optional(),
  data: Data.optional(),
});

export async function resubmitProcess({
  ctx,
  input,
}: {
  ctx: WorkflowContext;
  input: z.infer<typeof ResubmitProcessInput>;
}) {
  const { current, definition } = await ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const found = await findProcess(tx, input.processId);
      assertResubmittable(ctx, found, input.expectedVersion);
      return { current: found, definition: await findDefinitionById(tx, found.definitionId) };
    },
    { readOnly: true },
  );
  const amount = input.amount ?? current.amount;
  const data = input.data ?? current.data;
  const { chain, rules } = await assess(ctx, definition, { initiatorId: current.initiatorId, amount, data });
  const steps = planRoute({
    initiatorId: current.initiatorId,
    chain,
    amount,
    rules,
    committees: definition.committees,
  });
  const journal = new Journal(ctx);
  const resubmitted = await ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const locked = await lockProcess(tx, input.processId);
    assertResubmittable(ctx, locked, input.expectedVersion);
    const round = locked.round + 1;
    const updated = await touchProcess(tx, locked, journal.now, {
      status: "in_progress",
      round,
      amount,
      data,
      subject: input.subject ?? locked.subject,
      chain,
      rules,
    });
    journal.transition({
      processId: updated.id,
      round,
      action: "resubmitted",
      actorId: ctx.principal.userId,
      fromStatus: "returned",
      toStatus: "in_progress",
      details: { amount, route: describe(steps) },
    });
    journal.event("vextrus.workflow.instance.started", updated.id, {
      id: updated.id,
      definitionId: definition.id,
      subject: updated.subject,
      startedBy: ctx.principal.userId,
      round,
      amount,
    });
    const opened = await createRound(tx, ctx, journal, updated, steps, definition.slaHours);
    await journal.flush(tx);
    return { process: updated, opened };
  });
  ctx.deps.metrics.processesStarted.inc();
  return { process: resubmitted.process, steps: describe(steps), tasks: resubmitted.opened };
}

function assertResubmittable(ctx: WorkflowContext, process: ProcessRow, expectedVersion: number) {
  if (process.initiatorId !== ctx.principal.userId) {
    throw forbidden("workflow.process.not_initiator", {
      en: "Only the person who raised this request can resubmit it",
      bn: "শুধু যিনি অনুরোধটি করেছেন তিনিই এটি পুনরায় জমা দিতে পারেন",
    });
  }
  if (process.version !== expectedVersion) {
    throw new AppError("CONFLICT", "workflow.process.stale", {
      en: "The process was changed by someone else; reload it and try again",
      bn: "প্রক্রিয়াটি অন্য কেউ পরিবর্তন করেছেন; পুনরায় লোড করে আবার চেষ্টা করুন",
    });
  }
  if (process.status !== "returned") {
    throw new AppError("PRECONDITION_FAILED", "workflow.process.not_returned", {
      en: "Only a process returned for changes can be resubmitted",
      bn: "শুধু পরিবর্তনের জন্য ফেরত পাঠানো প্রক্রিয়াই পুনরায় জমা দেওয়া যায়",
    });
  }
}

/** A process with its definition, every task of every round, who held them, and the whole trail. */
