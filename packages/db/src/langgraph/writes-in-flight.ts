/** The checkpoint and task writes under way, by thread: each leaves the set once it settles. */
export class WritesInFlight {
  private readonly byThread = new Map<string, Set<Promise<unknown>>>();

  track<T>(threadId: string, write: Promise<T>): Promise<T> {
    let writes = this.byThread.get(threadId);
    if (!writes) this.byThread.set(threadId, (writes = new Set()));
    writes.add(write);
    const done = () => {
      writes.delete(write);
      if (writes.size === 0 && this.byThread.get(threadId) === writes) this.byThread.delete(threadId);
    };
    write.then(done, done);
    return write;
  }

  async settled(threadId: string): Promise<void> {
    const writes = this.byThread.get(threadId);
    if (writes) await Promise.allSettled([...writes]);
  }
}
