import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "tools/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    pool: "threads",
    // Test files share a worker's module cache: loading the rule registry and every format once
    // per worker instead of once per file is most of the suite's time. Tests keep no global state
    // (no module mocks), so sharing is safe; a test that needs isolation says so in its own file.
    isolate: false,
  },
});
