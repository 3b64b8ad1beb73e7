// Entry point for images installed with --production (compose's one-shot topics job):
//   bun packages/events/src/create-topics-main.ts
import { runCreateTopics } from "./create-topics-command.ts";

process.exitCode = await runCreateTopics();
