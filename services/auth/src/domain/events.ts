import { type EmitInput, type EventType, emit } from "@vextrus/events";
import type { Tx } from "@vextrus/platform/db";
import { outbox } from "../db/schema.ts";

/** Records an auth event in the caller's transaction (published only if it commits). */
export const emitEvent = <T extends EventType>(tx: Tx, input: EmitInput<T>) => emit(tx, outbox, input);
