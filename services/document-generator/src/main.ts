import { createLogger, stopOnSignal } from "@vextrus/platform";
import { bootDocumentGenerator } from "./boot.ts";
import { loadEnv } from "./env.ts";

const env = loadEnv();
const log = createLogger({ level: env.LOG_LEVEL });
const booted = await bootDocumentGenerator(env, { log });
stopOnSignal(booted.parts, log, env.SHUTDOWN_TIMEOUT_MS);
