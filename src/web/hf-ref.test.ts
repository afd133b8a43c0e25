import { describe, expect, it } from "vitest";
import { checkRepoPath, formatHfRef, parseHfRef, resolvePath } from "./hf-ref.js";

describe("parseHfRef", () => {
  it("parses repo, revision and path", () => {
    expect(parseHfRef("hf://org/model")).toEqual({ ok: true, ref: { repo: "org/model", revision: "main", path: "" } });
    expect(parseHfRef("hf://org/model@v1.0/sub/w.bin")).toEqual({ ok: true, ref: { repo: "org/model", revision: "v1.0", path: "sub/w.bin" } });
    expect(parseHfRef("hf://org/model@refs%2Fpr%2F1")).toEqual({ ok: true, ref: { repo: "org/model", revision: "refs/pr/1", path: "" } });
  });

  it("refuses traversal, control characters and malformed names with a message", () => {
    for (const bad of ["hf://org", "hf://../model", "hf://org/..", "hf://org/a..b", "hf://org/model/../x", "hf://org/model/a\r\nX-Evil: 1", "hf://org/model@..%2Fx", "hf://org/model@%ZZ", "hf://-org/model", "s3://org/model"]) {
      const result = parseHfRef(bad);
      expect(result.ok, bad).toBe(false);
      if (!result.ok) expect(result.message.length).toBeGreaterThan(10);
    }
  });
});

describe("repo paths", () => {
  it("accepts nested paths and refuses escapes", () => {
    expect(checkRepoPath("a/b c.bin")).toBeUndefined();
    expect(checkRepoPath("a/../b")).toMatch(/"\.\." segments/);
    expect(checkRepoPath("/etc/passwd")).toMatch(/segments/);
    expect(checkRepoPath("a\\b")).toMatch(/backslashes/);
    expect(checkRepoPath("x".repeat(1025))).toMatch(/limit MAX_REPO_PATH_CHARS/);
  });

  it("encodes each path segment and the revision for the resolve URL", () => {
    expect(resolvePath({ repo: "o/m", revision: "refs/pr/1" }, "a b/c#d.bin")).toBe("/o/m/resolve/refs%2Fpr%2F1/a%20b/c%23d.bin");
    expect(formatHfRef({ repo: "o/m", revision: "main", path: "x" })).toBe("hf://o/m/x");
  });
});
