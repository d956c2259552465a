/** Promises that something becomes true (no request in flight, no connection left), each with its own timeout. */
export interface Waiters {
  /** Resolves true at once when `alreadyTrue`, else true on the next `wakeAll()`, or false after `timeoutMs`. */
  wait(alreadyTrue: boolean, timeoutMs: number): Promise<boolean>;
  wakeAll(): void;
}

export function createWaiters(): Waiters {
  let waiters: (() => void)[] = [];
  return {
    wait(alreadyTrue, timeoutMs) {
      if (alreadyTrue) return Promise.resolve(true);
      return new Promise((resolve) => {
        // unref: a wait must never be what keeps a stopping process alive.
        const timer = setTimeout(() => resolve(false), timeoutMs);
        timer.unref();
        waiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    wakeAll() {
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
    },
  };
}
