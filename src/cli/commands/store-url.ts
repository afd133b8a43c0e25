import type { Store } from "../../service/store-common.js";
import { UsageError } from "../exit-codes.js";

/**
 * fastify and the database driver load only for these commands, not on every `modelvet scan`; the
 * Postgres driver only for a postgres:// URL.
 */
export async function openStore(url: string): Promise<Store> {
  const { openStore: open, parseStoreLocation, redactStoreUrl } = await import("../../service/open-store.js");
  try {
    parseStoreLocation(url);
  } catch (error) {
    throw new UsageError(`--db: ${(error as Error).message}`);
  }
  // Unreachable, missing folder, schema from a newer modelvet: the operator's to fix, not a crash to report.
  return open(url).catch((error: Error) => {
    throw new UsageError(`cannot open the store ${JSON.stringify(redactStoreUrl(url))}: ${error.message}`);
  });
}
