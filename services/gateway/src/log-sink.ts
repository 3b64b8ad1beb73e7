/**
 * Log lines to stdout in batches: one write every `intervalMs` (or per 64 KiB) instead of one per
 * request, which on a busy gateway is a measurable share of its CPU. Flushed on stop and at exit.
 */
export function bufferedStdout(intervalMs = 100) {
  const sink = Bun.stdout.writer({ highWaterMark: 64 * 1024 });
  const timer = setInterval(() => sink.flush(), intervalMs);
  timer.unref();
  process.on("exit", () => {
    sink.flush();
  });
  return {
    write(line: string) {
      sink.write(`${line}\n`);
    },
    stoppable: {
      name: "log output",
      async stop() {
        clearInterval(timer);
        await sink.flush();
      },
    },
  };
}
