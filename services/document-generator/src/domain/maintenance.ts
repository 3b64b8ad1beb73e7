import { pruneSentOutbox } from "@vextrus/events";
import { outbox } from "../db/schema.ts";
import type { DocumentContext } from "../deps.ts";

/** Deletes this service's published outbox rows past retention (a scheduler platform job, every 10 minutes). */
export const pruneOutbox = ({ ctx }: { ctx: DocumentContext }) =>
  pruneSentOutbox(ctx.deps.db, outbox, new Date());
