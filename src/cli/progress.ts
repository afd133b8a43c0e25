import { printable } from "../report/printable.js";
import type { CliIo } from "./io.js";

/** Below this many files a scan is quick enough that a progress line is only flicker. */
const MIN_FILES_FOR_PROGRESS = 20;
/** Redraw at most this often: a terminal write per small file would cost more than the scan. */
const REDRAW_MS = 100;
const CLEAR_LINE = "\r\u001b[2K";

export interface Progress {
  onProgress?: (done: number, total: number, path: string) => void;
  /** Clears the line, if one was drawn. */
  finish(): void;
}

/**
 * A single updating `scanning 120/1000 path…` line on stderr, only when stderr is a terminal and
 * the scan is long enough to need it; stdout stays clean for the report.
 *
 * @example
 * const progress = createProgress(io);
 * try { await scanPaths(paths, { policy, onProgress: progress.onProgress }); } finally { progress.finish(); }
 */
export function createProgress(io: CliIo, now: () => number = Date.now): Progress {
  if (!io.isTTY.stderr) return { finish: () => undefined };
  // Some terminals (serial consoles, CI pseudo-terminals) report 0 columns: that means unknown.
  const columns = io.columns !== undefined && Number.isFinite(io.columns) && io.columns > 0 ? io.columns : 80;
  const width = Math.max(20, columns - 1);
  let drawn = false;
  let last = -Infinity;
  return {
    onProgress(done, total, path) {
      if (total <= MIN_FILES_FOR_PROGRESS) return;
      const time = now();
      if (time - last < REDRAW_MS && done < total) return;
      last = time;
      drawn = true;
      io.stderr.write(`${CLEAR_LINE}${progressLine(done, total, printable(path), width)}`);
    },
    finish() {
      if (drawn) io.stderr.write(CLEAR_LINE);
    },
  };
}

/** Keeps the end of a long path: the file name says more than the folders above it. */
function progressLine(done: number, total: number, path: string, width: number): string {
  const head = `scanning ${done}/${total} `;
  const room = width - head.length;
  if (path.length <= room) return `${head}${path}`;
  return room > 1 ? `${head}…${path.slice(path.length - room + 1)}` : head.trimEnd();
}
