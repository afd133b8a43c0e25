import { defineConfig } from "vitest/config";

/** Test files that replace modules with vi.mock need a module cache of their own. */
const ISOLATED = ["src/node/scan-paths.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    pool: "threads",
    projects: [
      {
        extends: true,
        test: {
          name: "shared",
          include: ["src/**/*.test.ts", "tools/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ISOLATED,
          // Test files share a worker's module cache: loading the rule registry and every format
          // once per worker instead of once per file is most of the suite's time. These files
          // keep no global state and mock no modules.
          isolate: false,
        },
      },
      { extends: true, test: { name: "isolated", include: ISOLATED, isolate: true } },
    ],
  },
});
