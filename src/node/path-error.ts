/**
 * A path the user named that cannot be scanned at all. No longer thrown by `scanPaths` (each such
 * path gets a file report with verdict `error`, and the other paths are still scanned); kept for
 * callers that catch it.
 */
export class PathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PathError";
  }
}
