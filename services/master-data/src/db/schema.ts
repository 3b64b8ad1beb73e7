import { outboxTable } from "@vextrus/events";
import { masterData } from "./common.ts";

export { masterData } from "./common.ts";
export * from "./parties.ts";

/** Events written in the same transaction as the change they describe; the relay publishes them. */
export const outbox = outboxTable(masterData);
