import { describe, expect, it } from "vitest";
import { ids, judge } from "../../test-support/python-cases.js";

describe("PY001 import-time effect", () => {
  it("catches a process started at module level, through an import alias, naming the line", () => {
    const report = judge("import subprocess as sp\n\nsp.Popen(['sh', '-c', 'id'])\n");
    expect(report.findings[0]?.ruleId).toBe("PY001");
    expect(report.findings[0]?.message).toContain("line 3");
    expect(report.findings[0]?.message).toContain("subprocess.Popen");
  });
  it("counts class bodies, decorators and default values as import time", () => {
    expect(ids(judge("import os\nclass A:\n    x = os.system('id')\n"))).toContain("PY001");
    expect(ids(judge("from requests import get\n@get('https://x.invalid')\ndef f():\n    pass\n"))).toContain("PY001");
    expect(ids(judge("def f(a=eval('1+1')):\n    return a\n"))).toContain("PY001");
    expect(ids(judge("from huggingface_hub import hf_hub_download\nW = hf_hub_download('org/repo', 'w.bin')\n"))).toContain("PY001");
    expect(ids(judge("open('/tmp/x', 'w').write('y')\n"))).toContain("PY001");
  });
  it("does not fire for reads, plain definitions and calls inside functions", () => {
    const report = judge("import torch\nimport os\nPATH = os.path.join('a', 'b')\ntext = open('README.md').read()\nclass M(torch.nn.Module):\n    def forward(self, x):\n        return x\n");
    expect(ids(report)).not.toContain("PY001");
  });
});
