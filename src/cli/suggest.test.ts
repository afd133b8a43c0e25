import { describe, expect, it } from "vitest";
import { closest } from "./suggest.js";

const IDS = ["FS001", "PKL001", "PKL002", "PKL010", "PKL011"];

describe("closest", () => {
  it("finds typos, swapped letters and case differences, nearest first", () => {
    expect(closest("pkl001", IDS)[0]).toBe("PKL001");
    expect(closest("PLK001", IDS)[0]).toBe("PKL001");
    expect(closest("PKL01", IDS)).toEqual(["PKL001", "PKL010", "PKL011"]);
  });

  it("suggests nothing for a far-off name", () => {
    expect(closest("pickle", IDS)).toEqual([]);
  });
});
