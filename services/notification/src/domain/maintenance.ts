import { pruneSentOutbox } from "@vextrus/events";
import { outbox } from "../db/schema.ts";
import type { NotifyContext } from "../deps.ts";
import { sendDigests } from "./digest.ts";

/** Deletes this service's published outbox rows past retention (a scheduler platform job, every 10 minutes). */
export const pruneOutbox = ({ ctx }: { ctx: NotifyContext }) =>
  pruneSentOutbox(ctx.deps.db, outbox, new Date());

/** Queues yesterday's digests (a scheduler platform job, every morning in Dhaka). */
export const sendDailyDigests = ({ ctx }: { ctx: NotifyContext }) => sendDigests(ctx.deps, ctx.deps.clock());
