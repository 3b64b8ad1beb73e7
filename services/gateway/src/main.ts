import { createLogger, stopOnSignal } from "@vextrus/platform";
import { bootGateway } from "./boot.ts";
import { loadEnv } from "./env.ts";
import { bufferedStdout } from "./log-sink.ts";

const env = loadEnv();
const output = bufferedStdout();
const log = createLogger({ level: env.LOG_LEVEL, write: output.write });
const booted = await bootGateway(env, { log });
stopOnSignal([...booted.parts, output.stoppable], log, env.SHUTDOWN_TIMEOUT_MS);
