import type { Compiled, CompileInput } from "./typst.ts";
import type { Done, Job } from "./worker.ts";

export interface RenderPool {
  /** Compiles in the first free worker; rejects with RenderTimeout or RenderFailed. */
  render(input: CompileInput): Promise<Compiled>;
  /** Jobs waiting for a worker (a gauge). */
  readonly queued: number;
  close(): void;
}

export class RenderTimeout extends Error {
  constructor(readonly ms: number) {
    super(`rendering took longer than ${ms} ms`);
    this.name = "RenderTimeout";
  }
}

export class RenderFailed extends Error {
  constructor(
    message: string,
    readonly diagnostics: string,
  ) {
    super(message);
    this.name = "RenderFailed";
  }
}

interface Pending {
  job: Job;
  resolve(value: Compiled): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  busy: Pending | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const WORKER_URL = new URL("./worker.ts", import.meta.url).href;

/**
 * `size` render workers, each with its own Typst compiler (fonts loaded once per worker). A job
 * past `timeoutMs` ends its worker (Typst cannot be interrupted) and a fresh one takes its place,
 * so a pathological document is a refusal, never a hang.
 */
export function createRenderPool(options: { size: number; timeoutMs: number }): RenderPool {
  const queue: Pending[] = [];
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;

  function spawn(): Slot {
    const slot: Slot = { worker: new Worker(WORKER_URL), busy: undefined, timer: undefined };
    slot.worker.onmessage = (event: MessageEvent<Done>) => finish(slot, event.data);
    slot.worker.onerror = (event) => {
      const pending = slot.busy;
      replace(slot);
      pending?.reject(new RenderFailed(`render worker crashed: ${event.message}`, ""));
    };
    return slot;
  }

  function replace(slot: Slot) {
    clearTimeout(slot.timer);
    slot.worker.terminate();
    const index = slots.indexOf(slot);
    if (index >= 0 && !closed) {
      slots[index] = spawn();
      pump();
    }
  }

  function finish(slot: Slot, done: Done) {
    const pending = slot.busy;
    clearTimeout(slot.timer);
    slot.busy = undefined;
    slot.timer = undefined;
    if (pending && pending.job.id === done.id) {
      if (done.ok) {
        pending.resolve({ pdf: done.pdf, pages: done.pages });
      } else {
        pending.reject(new RenderFailed(done.message, done.diagnostics));
      }
    }
    pump();
  }

  function pump() {
    for (const slot of slots) {
      if (slot.busy || queue.length === 0) {
        continue;
      }
      const pending = queue.shift();
      if (!pending) {
        return;
      }
      slot.busy = pending;
      slot.timer = setTimeout(() => {
        replace(slot);
        pending.reject(new RenderTimeout(options.timeoutMs));
      }, options.timeoutMs);
      slot.worker.postMessage(pending.job);
    }
  }

  for (let i = 0; i < options.size; i++) {
    slots.push(spawn());
  }

  return {
    render(input) {
      if (closed) {
        return Promise.reject(new RenderFailed("the render pool is closed", ""));
      }
      return new Promise<Compiled>((resolve, reject) => {
        const job: Job = {
          id: nextId++,
          file: input.file,
          data: input.data,
          assets: [...(input.assets ?? new Map<string, Uint8Array>())],
          createdAt: input.createdAt.getTime(),
        };
        queue.push({ job, resolve, reject });
        pump();
      });
    },
    get queued() {
      return queue.length;
    },
    close() {
      closed = true;
      for (const slot of slots) {
        clearTimeout(slot.timer);
        slot.worker.terminate();
        slot.busy?.reject(new RenderFailed("the render pool is closed", ""));
      }
      for (const pending of queue.splice(0)) {
        pending.reject(new RenderFailed("the render pool is closed", ""));
      }
    },
  };
}
