import { describe, expect, it } from "vitest";
import { excludePredicate } from "./exclude.js";

describe("excludePredicate", () => {
  it("always skips .git (and .hg, .svn) at any depth", () => {
    const excluded = excludePredicate([]);
    expect(excluded(".git")).toBe(true);
    expect(excluded("sub/.git/objects/ab")).toBe(true);
    expect(excluded(".gitattributes")).toBe(false);
    expect(excluded("model.git.bin")).toBe(false);
  });

  it("a pattern without / matches a name at any depth; with / the relative path and what is below", () => {
    const excluded = excludePredicate(["*.tmp", "data/**", "cache"]);
    expect(excluded("a/b.tmp")).toBe(true);
    expect(excluded("a/b.tmp.bin")).toBe(false);
    expect(excluded("data/x/y.pt")).toBe(true);
    expect(excluded("other/data/y.pt")).toBe(false);
    expect(excluded("x/cache/model.pt")).toBe(true);
    expect(excluded("x/caches/model.pt")).toBe(false);
  });

  it("** matches zero or more folders", () => {
    const excluded = excludePredicate(["**/tmp/*.pt"]);
    expect(excluded("tmp/a.pt")).toBe(true);
    expect(excluded("a/b/tmp/a.pt")).toBe(true);
    expect(excluded("a/b/tmp/a.bin")).toBe(false);
  });
});
