import { describe, expect, it } from "vitest";
import { ids, judge } from "../../test-support/python-cases.js";

describe("PY003 model code (info)", () => {
  it("notes tied code that only defines classes and functions", () => {
    const report = judge("import torch\n\nclass XConfig:\n    model_type = 'x'\n\ndef helper():\n    return 1\n");
    expect(report.findings.map((f) => `${f.ruleId}:${f.severity}`)).toEqual(["PY003:info"]);
    expect(report.findings[0]?.message).toContain("1 class(es), 1 function(s)");
    expect(report.verdict).toBe("clean");
  });
  it("is replaced by PY001/PY002 as soon as the code acts", () => {
    expect(ids(judge("import os\nos.remove('x')\n"))).not.toContain("PY003");
  });
});
