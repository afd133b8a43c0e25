import { describe, expect, it } from "vitest";
import { modelIgnorePaths } from "./ignore-paths.js";

describe("ignore paths", () => {
  it("makes paths relative to the model, as the reference records them", () => {
    expect(modelIgnorePaths("model", { cwd: "/work", ignorePaths: ["model/README.md", "/work/model/docs/", "elsewhere.txt"], signaturePath: "model/model.sig" })).toEqual([
      "README.md",
      "docs",
      "model.sig",
      ".git",
      ".gitattributes",
      ".github",
      ".gitignore",
    ]);
  });
  it("drops a signature outside the model and git paths when asked", () => {
    expect(modelIgnorePaths("/m", { cwd: "/", signaturePath: "/out/model.sig", ignoreGitPaths: false })).toEqual([]);
  });
  it("works from inside the model folder", () => {
    expect(modelIgnorePaths(".", { cwd: "/m", ignorePaths: ["ignore-me"], signaturePath: "model.sig", ignoreGitPaths: false })).toEqual(["ignore-me", "model.sig"]);
  });
});
