/**
 * Wraps a read so that concurrent calls share one run, and a call that arrives during a run
 * makes it go round once more (so what was committed meanwhile is read too). A failed run is
 * reported to `onError` and the next call starts afresh.
 */
export interface Coalesced {
  (): Promise<void>;
  /** The run under way, if any (to wait for it on shutdown without starting one). */
  inFlight(): Promise<void> | undefined;
}

export function coalesced(body: () => Promise<void>, onError: (err: unknown) => void): Coalesced {
  let running: Promise<void> | undefined;
  let again = false;
  const run = () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await body();
      } while (again);
    })()
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  return Object.assign(run, { inFlight: () => running });
}
