/** The part of unzipper (0.10) the XLSX reader uses: a streaming parse of a zip's entries in order. */
declare module "unzipper" {
  import type { Duplex, Readable } from "node:stream";

  interface Entry extends Readable {
    path: string;
    type: "File" | "Directory";
    autodrain(): { promise(): Promise<void> };
  }
  const unzipper: { Parse(options?: { forceStream?: boolean }): Duplex & AsyncIterable<Entry> };
  export default unzipper;
}
