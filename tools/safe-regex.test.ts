import { describe, expect, it } from "vitest";
// @ts-expect-error -- a plain .mjs tool without type declarations
import { checkRegex, checkRegexesIn } from "./safe-regex.mjs";

const check = checkRegex as (source: string, flags?: string) => string[];

describe("safe-regex heuristic", () => {
  it.each([
    String.raw`(a+)+`,
    String.raw`(a*)*`,
    String.raw`(a|a)*`,
    String.raw`(\s*x\s*)+`,
    String.raw`^\ufeff?(?:\s*#[^\n]*\n|\s*\n)*\s*\[info\]\s*\r?\n`,
    String.raw`(?:\w|\d)+`,
    String.raw`(?:a|)*`,
    String.raw`\s*\s+`,
    String.raw`[\w.-]*\w+`,
  ])("flags %s", (source) => {
    expect(check(source)).not.toEqual([]);
  });

  it.each([
    String.raw`(?:\.\d+)+`,
    String.raw`(?:[a-z]+\.)+`,
    String.raw`(?:\d{1,6}\s*,\s*){3,}\d{1,6}`,
    String.raw`^(?:[0-9a-fA-F]{2})+$`,
    String.raw`\s*:\s*`,
    String.raw`(?:a|b)*`,
    String.raw`(?:x(?:a+)?)+`,
  ])("passes %s", (source) => {
    expect(check(source)).toEqual([]);
  });

  it("finds nothing in src/formats and src/rules", async () => {
    const root = new URL("..", import.meta.url).pathname;
    expect(await (checkRegexesIn as (root: string, dirs: string[]) => Promise<string[]>)(root, ["src/formats", "src/rules"])).toEqual([]);
  });
});
