import { describe, expect, it } from "vitest";
import { comparePaths, isIgnored, isSafeRelativePath, normalizeRelative } from "./paths.js";

describe("model-relative paths", () => {
  it("ignores a path and everything below it, by whole components", () => {
    expect(isIgnored(".git/objects/ab", [".git"])).toBe(true);
    expect(isIgnored(".git", [".git"])).toBe(true);
    expect(isIgnored(".gitignore", [".git"])).toBe(false);
    expect(isIgnored("a/b", ["./a//"])).toBe(true);
    expect(isIgnored("anything", ["."])).toBe(true);
  });
  it("orders like PurePosixPath: component by component, by code point", () => {
    const names = ["a-b/c", "a/b", "B", "a", "\u{1F600}", "\uFFFD"];
    expect([...names].sort(comparePaths)).toEqual(["B", "a", "a/b", "a-b/c", "\uFFFD", "\u{1F600}"]);
  });
  it("rejects names that leave the model", () => {
    expect(isSafeRelativePath("a/../../etc/passwd")).toBe(false);
    expect(isSafeRelativePath("/etc/passwd")).toBe(false);
    expect(isSafeRelativePath("a/b..c")).toBe(true);
    expect(normalizeRelative("./a//b/")).toBe("a/b");
    expect(normalizeRelative("")).toBe(".");
  });
});
