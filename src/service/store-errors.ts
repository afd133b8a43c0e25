/**
 * Errors a store raises, shared by the SQLite and the Postgres implementation. Kept apart from both
 * so that the gate can tell them apart without loading either database driver.
 */

/**
 * The database cannot be reached or cannot take the work now (connection refused or dropped, the
 * server shutting down, a lock held past the busy timeout, a full disk). The request that hit it
 * must fail closed with 503: nothing is served, nothing is judged, and the caller may retry. The
 * store itself recovers when the database comes back (the Postgres pool reconnects on its own).
 */
export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";
  constructor(
    message: string,
    /** The driver's code (`ECONNREFUSED`, SQLSTATE `57P01`, `SQLITE_BUSY`…), for logs. */
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A pagination cursor (`after`) that is not `scannedAt|repo|path`: the caller's input, answer 400. */
export class InvalidCursorError extends Error {
  override readonly name = "InvalidCursorError";
}

/** The database holds migrations newer than this modelvet knows: refuse to run against it (fail closed). */
export class SchemaTooNewError extends Error {
  override readonly name = "SchemaTooNewError";
}
