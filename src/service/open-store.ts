import type { Store } from "./store-common.js";
import type { PostgresStoreOptions } from "./store-postgres.js";
import type { SqliteStoreOptions } from "./store.js";

export interface OpenStoreOptions {
  sqlite?: SqliteStoreOptions;
  postgres?: PostgresStoreOptions;
}

/** Where a store URL points, before any driver is loaded. */
export type StoreLocation = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };

/**
 * Reads a `--db` value: `postgres://…` or `postgresql://…` is Postgres; `sqlite:PATH`,
 * `sqlite://PATH` (so `sqlite:///abs/path`) or a plain path is a SQLite file. Any other scheme is
 * refused rather than taken for a file name.
 */
export function parseStoreLocation(url: string): StoreLocation {
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: "postgres", url };
  if (/^sqlite:/i.test(url)) {
    const rest = url.slice("sqlite:".length);
    const path = rest.startsWith("//") ? rest.slice(2) : rest;
    if (path === "") throw new Error(`Invalid store URL ${JSON.stringify(url)}: sqlite: needs a file path`);
    return { kind: "sqlite", path };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new Error(`Unsupported store URL scheme in ${JSON.stringify(redactStoreUrl(url))}: use postgres://…, sqlite:PATH or a file path`);
  if (url === "") throw new Error("Invalid store URL: empty");
  return { kind: "sqlite", path: url };
}

/** The URL with any password replaced, for messages and logs. */
export function redactStoreUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, "$1***@");
}

/**
 * Opens the store a `--db` value names, applying its migrations. The Postgres driver is imported
 * only for a Postgres URL, so the embedded default never loads it (nor `pg` the SQLite binding).
 *
 * @example
 * const store = await openStore("postgres://modelvet@db.internal/modelvet");
 * const local = await openStore("modelvet-gate.db");
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const location = parseStoreLocation(url);
  if (location.kind === "postgres") {
    const { PostgresStore } = await import("./store-postgres.js");
    return PostgresStore.open(location.url, options.postgres);
  }
  const { SqliteStore } = await import("./store.js");
  return SqliteStore.open(location.path, options.sqlite);
}
