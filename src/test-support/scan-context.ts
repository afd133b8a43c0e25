import { resolveLimits, type Limits } from "../core/limits.js";
import type { ScanContext } from "../core/handler.js";
import { defaultPolicy } from "../policy/default.js";

/** A ScanContext for handler tests: default limits (overridable), a fresh budget, no deadline. */
export function testScanContext(limits: Partial<Limits> = {}, extra: Partial<ScanContext> = {}): ScanContext {
  return {
    limits: resolveLimits(limits),
    policy: defaultPolicy(),
    budget: { members: 0, inflatedBytes: 0 },
    depth: 0,
    memberPath: undefined,
    name: "test.bin",
    now: () => Date.now(),
    deadline: Number.POSITIVE_INFINITY,
    parents: [],
    ...extra,
  };
}
