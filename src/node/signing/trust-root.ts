import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { quote, signingError } from "../../signing/errors.js";
import { MAX_KEY_FILE_BYTES } from "./keys.js";

/**
 * The Sigstore public-good trusted_root.json, as seeded by @sigstore/tuf 4.0.2 for
 * https://tuf-repo-cdn.sigstore.dev, shipped in the package (trust/) instead of depending on
 * @sigstore/tuf and its network stack only to read this one file.
 */
const PINNED_ROOT_FILE = new URL("../../../trust/sigstore-public-good.trusted_root.json", import.meta.url);

/**
 * SHA-256 of that file. Pinned so that an edited file cannot silently change whom keyless
 * verification trusts: when replacing the root, check the new one and update this digest.
 */
export const PINNED_TRUSTED_ROOT_SHA256 = "6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66";

/**
 * The Sigstore trusted root (CAs, transparency logs, CT logs, TSAs) for offline keyless
 * verification: a file given with `--trust-root`, or the pinned public-good root that ships with
 * the package. Nothing is fetched.
 *
 * @example
 * const root = await loadTrustedRoot(); // public-good, pinned
 * const custom = await loadTrustedRoot("trusted_root.json");
 */
export async function loadTrustedRoot(file?: string): Promise<Record<string, unknown>> {
  const text = file === undefined ? await pinnedRootText() : await readRootFile(file);
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    throw signingError("verify", "key-material", `the trust root ${quote(file ?? "(bundled)")} is not JSON`);
  }
  const mediaType = (root as Record<string, unknown> | null)?.mediaType;
  if (typeof mediaType !== "string" || !mediaType.startsWith("application/vnd.dev.sigstore.trustedroot")) {
    throw signingError("verify", "key-material", `the trust root ${quote(file ?? "(bundled)")} is not a Sigstore trusted_root.json (mediaType ${JSON.stringify(mediaType)})`);
  }
  return root as Record<string, unknown>;
}

async function readRootFile(file: string): Promise<string> {
  try {
    const bytes = await readFile(file);
    if (bytes.length > MAX_KEY_FILE_BYTES) throw new Error(`larger than ${MAX_KEY_FILE_BYTES} bytes`);
    return bytes.toString("utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw signingError("verify", "key-material", `cannot read the trust root ${quote(file)}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`);
  }
}

/** The shipped public-good trusted_root.json, checked against the pin. */
export async function pinnedRootText(): Promise<string> {
  const seedsPath = PINNED_ROOT_FILE.pathname;
  let bytes: Buffer;
  try {
    bytes = await readFile(PINNED_ROOT_FILE);
  } catch (error) {
    throw signingError("verify", "key-material", `cannot read the bundled Sigstore trusted root (${seedsPath}): ${(error as Error).message}; pass --trust-root FILE`);
  }
  const digest = createHash("sha256").update(bytes).digest("hex");
  if (digest !== PINNED_TRUSTED_ROOT_SHA256) {
    throw signingError("verify", "key-material", `the bundled Sigstore trusted root (${seedsPath}) has SHA-256 ${digest}, not the pinned ${PINNED_TRUSTED_ROOT_SHA256}; pass --trust-root FILE or update the pin after checking it`);
  }
  return bytes.toString("utf8");
}
