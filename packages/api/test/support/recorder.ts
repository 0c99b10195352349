/**
 * Records what a tRPC subscription delivers, so a test can wait for a given item
 * (pushed to it, never polled) and then look at everything that came before.
 */
export interface Handlers<T> {
  onStarted(): void;
  onData(item: T): void;
  onError(err: unknown): void;
  onComplete(): void;
  onStopped(): void;
}

export interface Recording<T> {
  items: T[];
  /** the connection is open on the server */
  started: Promise<void>;
  /** the server ended the subscription (completed), or it failed */
  done: Promise<void>;
  /** the first item (already received or still to come) that matches; rejects after `timeoutMs` */
  waitFor(match: (item: T) => boolean, timeoutMs?: number): Promise<T>;
  stop(): void;
}

export function record<T>(subscribe: (handlers: Handlers<T>) => { unsubscribe(): void }): Recording<T> {
  const items: T[] = [];
  const waiters = new Set<{ match: (item: T) => boolean; resolve: (item: T) => void }>();
  let onStarted!: () => void;
  let finish!: () => void;
  let fail!: (err: unknown) => void;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  done.catch(() => {});
  const sub = subscribe({
    onStarted,
    onData(item) {
      items.push(item);
      for (const w of waiters) {
        if (!w.match(item)) continue;
        waiters.delete(w);
        w.resolve(item);
      }
    },
    onError: (err) => fail(err),
    onComplete: () => finish(),
    onStopped: () => finish(),
  });
  return {
    items,
    started,
    done,
    waitFor(match, timeoutMs = 15_000) {
      const seen = items.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<T>((resolve, reject) => {
        const waiter = {
          match,
          resolve: (item: T) => {
            clearTimeout(timer);
            resolve(item);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching item within ${timeoutMs} ms; got ${JSON.stringify(items).slice(0, 500)}`));
        }, timeoutMs);
        waiters.add(waiter);
        done.catch((err) => {
          clearTimeout(timer);
          waiters.delete(waiter);
          reject(err);
        });
      });
    },
    stop: () => sub.unsubscribe(),
  };
}
