/** Default feed: OSV's PyPI export. It publishes no checksum file, so `--sha256` is needed with it. */
export const DEFAULT_FEED_URL = "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip";
