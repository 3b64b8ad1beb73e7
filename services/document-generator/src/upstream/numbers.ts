import type { CallContext, ServiceClient } from "@vextrus/platform";
import { z } from "zod";

/** A company's numbering series in master-data (`masterData.series.*`). */
export interface SeriesRef {
  companyId: string;
  key: string;
}

const Next = z.object({ number: z.string().min(1), value: z.number().int() });

export interface NumberingClient {
  /** The next number of the series, gap-free and never given twice (master-data's row lock). */
  next(series: SeriesRef, call: CallContext): Promise<string>;
}

/**
 * master-data owns numbering: `series.next` (a mutation, with the caller's own token, so the caller
 * needs `master-data:series:next`). An unknown series is master-data's NOT_FOUND, passed on.
 */
export function numberingClient(masterData: ServiceClient): NumberingClient {
  return {
    async next(series, call) {
      const answer = await masterData.mutation("series.next", series, Next, call);
      return answer.number;
    },
  };
}
