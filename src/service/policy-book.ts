import { policyFromText } from "../engine/policy-text.js";
import { policyDigestOf } from "./policy-context.js";
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

  /** Adds a context computed elsewhere (a crawl's policy), so jobs under its digest find it. */
  remember(context: PolicyContext): void {
    this.byDigest.set(context.digest, context);
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

export { policyDigestOf };
