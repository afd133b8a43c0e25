import { createHash } from "node:crypto";
import { policyFromText } from "../node/policy-file.js";
import { DEFAULT_POLICY_DATA } from "../policy/default.js";
import type { VerdictStore } from "./store.js";
import type { PolicyContext } from "./vet.js";

/**
 * The policies a gate or a worker judges under, by digest. A job carries only the policy's digest
 * (the verdict key's middle part); a worker finds the policy itself among the server's and the
 * tokens' policies in the shared store, so no policy text travels through Redis.
 */
export class PolicyBook {
  private readonly byDigest = new Map<string, PolicyContext>();

  constructor(private readonly store?: VerdictStore) {}

  /** The context of a policy document (JSON or YAML) on top of the defaults; none for the default policy. */
  contextOf(text: string | undefined, label: string): PolicyContext {
    const digest = policyDigestOf(text);
    const known = this.byDigest.get(digest);
    if (known) return known;
    const context = { policy: policyFromText(text ?? "{\"version\": 1}", label), digest };
    this.byDigest.set(digest, context);
    return context;
  }

  /** The policy with `digest`: known already, or one of the tokens' policies in the store (read again on a miss). */
  async lookup(digest: string): Promise<PolicyContext | undefined> {
    const known = this.byDigest.get(digest);
    if (known || !this.store) return known;
    for (const token of await this.store.listTokens()) {
      if (token.policy !== undefined && policyDigestOf(token.policy) === digest) return this.contextOf(token.policy, `policy of token ${token.name}`);
    }
    return undefined;
  }
}

/** sha256 of the default policy and the document: changing either is a new verdict key, so files are judged again. */
export function policyDigestOf(text: string | undefined): string {
  return createHash("sha256").update(JSON.stringify(DEFAULT_POLICY_DATA)).update("\0").update(text ?? "").digest("hex");
}
