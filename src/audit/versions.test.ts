import { describe, expect, it } from "vitest";
import { overlaps } from "./interval.js";
import { compareMaven, mavenRangeInterval } from "./maven-version.js";
import { comparePep440, isPep440, specifierInterval } from "./pep440.js";

describe("PEP 440 ordering", () => {
  it.each([
    ["2.6.0rc1", "2.6.0", -1],
    ["2.6.0.dev0", "2.6.0rc1", -1],
    ["2.6.0", "2.6.0+cpu", -1],
    ["2.6.0", "2.6.0.post1", -1],
    ["1!1.0", "9999.0", 1],
    ["2.10.0", "2.9.2", 1],
    ["2.6", "2.6.0", 0],
  ])("%s vs %s", (a, b, expected) => expect(Math.sign(comparePep440(a, b))).toBe(expected));

  it("sorts invalid versions after valid ones and never treats them as valid", () => {
    expect(isPep440("latest")).toBe(false);
    expect(comparePep440("latest", "2.6.0")).toBe(1);
    expect(isPep440("9".repeat(300))).toBe(false);
  });

  it("turns specifiers into intervals", () => {
    expect(specifierInterval(">=2.0,<2.6")).toEqual({ lower: { version: "2.0", inclusive: true }, upper: { version: "2.6", inclusive: false } });
    expect(specifierInterval("~=2.2.1")).toEqual({ lower: { version: "2.2.1", inclusive: true }, upper: { version: "2.3.dev0", inclusive: false } });
    expect(specifierInterval("==2.5.*")).toEqual({ lower: { version: "2.5.dev0", inclusive: true }, upper: { version: "2.6.dev0", inclusive: false } });
    expect(specifierInterval("!=2.5.0")).toEqual({});
    expect(specifierInterval("garbage!!")).toBeUndefined();
  });

  it("knows when a range reaches below a fix", () => {
    const below = { upper: { version: "2.6.0", inclusive: false } };
    expect(overlaps(specifierInterval(">=2.0") ?? {}, below, comparePep440)).toBe(true);
    expect(overlaps(specifierInterval(">=2.6") ?? {}, below, comparePep440)).toBe(false);
    expect(overlaps(specifierInterval("~=2.6.0") ?? {}, below, comparePep440)).toBe(false);
  });
});

describe("Maven ordering (ComparableVersion rules)", () => {
  it.each([
    ["0.23.0", "0.23.1", -1],
    ["1.0", "1.0.0", 0],
    ["1.0-ga", "1.0", 0],
    ["1.0-final", "1", 0],
    ["1.0-alpha1", "1.0-beta1", -1],
    ["1.0-a1", "1.0-alpha1", 0],
    ["1.0-rc1", "1.0-cr1", 0],
    ["1.0-rc1", "1.0", -1],
    ["1.0-SNAPSHOT", "1.0", -1],
    ["1.0-rc1", "1.0-SNAPSHOT", -1],
    ["1.0", "1.0-sp1", -1],
    ["1.0-sp1", "1.0-foo", -1],
    ["1.0", "1.0.1", -1],
    ["1.0.1", "1.0-1", 1],
    ["3.46.0.4", "3.46.0.5", -1],
    ["3.46.0.4", "3.46.0.10", -1],
    ["2.0", "10.0", -1],
  ])("%s vs %s", (a, b, expected) => expect(compareMaven(a, b)).toBe(expected));

  it("reads version ranges", () => {
    expect(mavenRangeInterval("[1.0,2.0)")).toEqual({ lower: { version: "1.0", inclusive: true }, upper: { version: "2.0", inclusive: false } });
    expect(mavenRangeInterval("(,1.0]")).toEqual({ upper: { version: "1.0", inclusive: true } });
    expect(mavenRangeInterval("[1.5]")).toEqual({ lower: { version: "1.5", inclusive: true }, upper: { version: "1.5", inclusive: true } });
    expect(mavenRangeInterval("1.5")).toBeUndefined();
  });
});
