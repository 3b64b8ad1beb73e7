import { type EmitInput, emit } from "@vextrus/events";
import type { Tx } from "@vextrus/platform/db";
import { outbox } from "../db/schema.ts";

type RuleEventType =
  | "vextrus.rules.rule.created"
  | "vextrus.rules.rule.updated"
  | "vextrus.rules.rule.archived";

/**
 * Records a rule change in the outbox, in the caller's transaction: published if and only if it
 * commits (a stored evaluation's event goes with it through emitMany: domain/evaluations.ts). Every replica's consumer calls `onRuleChanged` (src/events.ts) for rules.
 */
export async function emitRuleEvent<T extends RuleEventType>(tx: Tx, input: EmitInput<T>): Promise<void> {
  await emit(tx, outbox, input);
}
