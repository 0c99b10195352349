import { watch, type FSWatcher } from "node:fs";
import path from "node:path";

/** Edits land as bursts (an editor's save is often a write, a rename and a chmod): one reload after the last. */
export const WATCH_DEBOUNCE_MS = 150;

/**
 * Calls `onChange` once the files it is given (langgraph.json and the user's files
 * the graphs import) stop changing for a moment. It watches their folders rather
 * than the files: an editor that saves by writing a new file and renaming it over
 * the old one would leave a watch on the file itself looking at the deleted inode.
 * Plain node:fs watch on each folder (not recursive: the folders are known), for
 * `npm run dev` only: production reloads on SIGHUP or the admin call.
 */
export class GraphWatcher {
  private watchers = new Map<string, FSWatcher>();
  private files = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly onChange: () => void,
    private readonly debounceMs = WATCH_DEBOUNCE_MS,
  ) {}

  /** Watches exactly these files from now on (after a reload, a graph may import others). */
  set(files: readonly string[]): void {
    if (this.closed) return;
    this.files = new Set(files.map((f) => path.resolve(f)));
    const dirs = new Set([...this.files].map((f) => path.dirname(f)));
    for (const [dir, watcher] of this.watchers) {
      if (dirs.has(dir)) continue;
      watcher.close();
      this.watchers.delete(dir);
    }
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, { persistent: false }, (_event, name) => {
          if (name && this.files.has(path.join(dir, name.toString()))) this.schedule();
        });
        // a folder removed while watched: the next reload's file list says what to watch
        watcher.on("error", () => {
          watcher.close();
          this.watchers.delete(dir);
        });
        this.watchers.set(dir, watcher);
      } catch {
        // a folder that is gone now cannot change the graphs; a later set() may see it again
      }
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (!this.closed) this.onChange();
    }, this.debounceMs);
  }
}
