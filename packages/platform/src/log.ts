export type LogLevel = "debug" | "info" | "warn" | "error";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
  /**
   * Whether a line at `level` would be written: lets a hot path skip building its fields. Optional
   * (a logger without it writes at every level, as far as callers can tell).
   */
  enabled?(level: LogLevel): boolean;
}

export interface LoggerOptions {
  level?: LogLevel;
  base?: LogFields;
  write?: (line: string) => void;
}

const writeStdout = (line: string) => process.stdout.write(`${line}\n`);

/**
 * The logger createLogger returns. A class, so that a child (one per request) is one small object
 * whose fields are merged only when a line is written, not a set of fresh closures.
 */
class JsonLogger implements Logger {
  constructor(
    private readonly threshold: number,
    private readonly base: LogFields,
    private readonly write: (line: string) => void,
  ) {}

  enabled(level: LogLevel): boolean {
    return ORDER[level] >= this.threshold;
  }

  private emit(level: LogLevel, msg: string, fields?: LogFields) {
    if (ORDER[level] < this.threshold) {
      return;
    }
    this.write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...this.base, ...fields }));
  }

  debug(msg: string, fields?: LogFields) {
    this.emit("debug", msg, fields);
  }

  info(msg: string, fields?: LogFields) {
    this.emit("info", msg, fields);
  }

  warn(msg: string, fields?: LogFields) {
    this.emit("warn", msg, fields);
  }

  error(msg: string, fields?: LogFields) {
    this.emit("error", msg, fields);
  }

  child(fields: LogFields): Logger {
    return new JsonLogger(this.threshold, { ...this.base, ...fields }, this.write);
  }
}

/** One JSON object per line on stdout: the format log shippers read without configuration. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return new JsonLogger(ORDER[options.level ?? "info"], options.base ?? {}, options.write ?? writeStdout);
}

/** Serialises an unknown error for a log line (never for a response). */
export function errorFields(error: unknown): LogFields {
  if (error instanceof Error) {
    return { err: { name: error.name, message: error.message, stack: error.stack } };
  }
  return { err: String(error) };
}
