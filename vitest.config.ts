import { availableParallelism } from "node:os";
import { configDefaults, defineConfig } from "vitest/config";

const INCLUDE = ["src/**/*.test.ts", "tools/**/*.test.ts", "test/**/*.test.ts"];
/**
 * Test files that replace modules (vi.mock) or otherwise need a module graph of their own: name
 * them `*.isolated.test.ts`. Everything else shares one module graph per worker.
 */
const ISOLATED = ["src/**/*.isolated.test.ts", "tools/**/*.isolated.test.ts", "test/**/*.isolated.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    pool: "threads",
    // Vitest's default leaves a core idle; the suite is CPU-bound, so use them all (2 here: 78 s -> 48 s).
    maxWorkers: availableParallelism(),
    projects: [
      {
        extends: true,
        test: {
          name: "shared",
          include: INCLUDE,
          exclude: [...configDefaults.exclude, ...ISOLATED],
          // Why: with isolation every one of ~200 files re-imports the rule registry, the format
          // handlers and their parsers (over half the suite's time). Tests here keep no global
          // state and mock no modules, so they can share one module graph per worker.
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: "isolated", include: ISOLATED, isolate: true },
      },
    ],
  },
});
