import { describe, expect, it } from "vitest";
import { looksLikeModelIni } from "./model-ini.js";

/** The expression the loop replaced; exponential on blank lines, so only run on short inputs here. */
const OLD = (text: string): boolean => /^\ufeff?(?:\s*#[^\n]*\n|\s*\n)*\s*\[info\]\s*\r?\n/.test(text) && /^\s*(?:h2o_version|mojo_version|algo|algorithm)\s*=/m.test(text);

describe("looksLikeModelIni", () => {
  it.each([
    "[info]\nh2o_version = 3.46.0.1\n",
    "\ufeff# comment\n\n  [info]\r\nalgo = gbm\n",
    "\n\n# a\n  # b\n[info]  \nalgorithm = glm\n",
    "[info] x\nalgo = gbm\n",
    "# c\n[columns]\n[info]\nalgo = gbm\n",
    "[info]",
    "#\n#",
    "[info]\n\nmojo_version\n = 1.0\n",
  ])("agrees with the old expression on %j", (text) => {
    expect(looksLikeModelIni(text)).toBe(OLD(text));
  });

  it("finishes on a 64-byte file of newlines and on 40 blank lines before a JSON config", () => {
    expect(looksLikeModelIni("\n".repeat(64))).toBe(false);
    expect(looksLikeModelIni("\n".repeat(40) + '{"model_type": "bert"}')).toBe(false);
    expect(looksLikeModelIni(" \n".repeat(100_000) + "[info]\nalgo = gbm\n")).toBe(true);
  });
});
