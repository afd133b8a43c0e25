import { describe, expect, it } from "vitest";
import { ids, judge } from "../../test-support/python-cases.js";

describe("PY002 effect inside a function", () => {
  it("catches a download in __init__ (runs when the model is built)", () => {
    const report = judge("import torch.hub\nclass M:\n    def __init__(self):\n        self.w = torch.hub.load_state_dict_from_url('https://x.invalid/w.pt')\n");
    expect(report.findings.map((f) => `${f.ruleId}:${f.severity}`)).toEqual(["PY002:medium"]);
    expect(report.findings[0]?.message).toContain("line 4");
  });
  it("counts lambda bodies as deferred", () => {
    expect(ids(judge("import os\nf = lambda: os.system('id')\n"))).toEqual(["PY002"]);
  });
  it("fails closed on tied code it cannot judge (nesting past CPython's limits), at the limit and one past it", () => {
    const nested = (n: number): string => `x = ${"(".repeat(n)}1${")".repeat(n)}\n`;
    expect(ids(judge(nested(201)))).toEqual(["PY002"]);
    expect(judge(nested(201)).findings[0]?.message).toContain("could not be judged");
    expect(ids(judge(nested(200)))).toEqual(["PY003"]);
  });
  it("does not fire on ordinary model code", () => {
    expect(ids(judge("class M:\n    def forward(self, x):\n        return x * 2\n"))).not.toContain("PY002");
  });
});
