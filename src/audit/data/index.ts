import curated from "./curated.json" with { type: "json" };
import pypa from "./pypa-snapshot.json" with { type: "json" };
import { buildAdvisoryDb, type AdvisoryDb, type OsvAdvisory } from "../osv.js";

/** An advisory set as stored: the bundled files and the `--update` cache share this shape. */
export interface AdvisoryFile {
  schema: "modelvet-advisories/1";
  source: string;
  commit?: string;
  advisories: OsvAdvisory[];
}

export const BUNDLED_PYPA = pypa as unknown as AdvisoryFile;
export const CURATED = curated as unknown as AdvisoryFile;

let bundled: AdvisoryDb | undefined;

/**
 * The advisories shipped with modelvet: PyPA's database for the ML packages (built by
 * tools/build-advisories.mjs) plus the curated entries, which win for the same id.
 *
 * @example
 * bundledAdvisoryDb().count; // ~300
 */
export function bundledAdvisoryDb(): AdvisoryDb {
  bundled ??= advisoryDbOf(BUNDLED_PYPA);
  return bundled;
}

/** A database from a feed (bundled or refreshed), with the curated entries on top. */
export function advisoryDbOf(feed: AdvisoryFile): AdvisoryDb {
  const label = feed.commit ? `${feed.source} at ${feed.commit.slice(0, 12)}` : feed.source;
  return buildAdvisoryDb([
    { source: label, advisories: feed.advisories },
    { source: "modelvet curated advisories", advisories: CURATED.advisories },
  ]);
}
