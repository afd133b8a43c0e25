import { createHash, randomBytes } from "node:crypto";
import type { TokenRecord, VerdictStore } from "./store.js";

export const SCOPES = ["pull", "scan", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** Token prefix: `hf_` because Hugging Face clients refuse tokens without it; `mvg_` marks the gate. */
const PREFIX = "hf_mvg_";

export function parseScopes(text: string): Scope[] {
  const scopes = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0 || scopes.length === 0) {
    throw new Error(`Unknown scope ${JSON.stringify(unknown[0] ?? text)}: expected a comma-separated list of ${SCOPES.join(", ")}`);
  }
  return [...new Set(scopes)] as Scope[];
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * Creates a token and stores only its hash. The token is returned once, to be shown to the user.
 *
 * @example
 * const { token } = await createToken(store, { name: "ci", scopes: ["pull"] });
 */
export async function createToken(store: VerdictStore, options: { name: string; scopes: Scope[]; policy?: string; ratePerMinute?: number }): Promise<{ token: string; record: TokenRecord }> {
  const id = randomBytes(6).toString("hex");
  const token = `${PREFIX}${id}_${randomBytes(24).toString("base64url")}`;
  const record: TokenRecord = {
    id,
    name: options.name,
    hash: hashToken(token),
    scopes: options.scopes,
    policy: options.policy,
    ratePerMinute: options.ratePerMinute,
    createdAt: new Date().toISOString(),
    revokedAt: undefined,
  };
  await store.createToken(record);
  return { token, record };
}

/** The bearer token of an Authorization header, if any. */
export function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match?.[1];
}

/**
 * Token buckets per caller: `ratePerMinute` refills continuously, bursts of ten seconds' worth
 * (at least 10) pass at once.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Undefined when allowed; otherwise the seconds to wait. */
  take(key: string, ratePerMinute: number): number | undefined {
    const capacity = Math.max(10, ratePerMinute / 6);
    const perMilli = ratePerMinute / 60_000;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * perMilli);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perMilli / 1000));
  }
}
