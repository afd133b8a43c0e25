import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

const MODELING = '"""Custom model."""\nimport torch\nfrom torch import nn\n\nclass MyModel(nn.Module):\n    def forward(self, x):\n        return x\n';

describe("HFC013", () => {
  it("reports a bundled modeling file", async () => {
    await expectSafeRule(MODELING, "HFC013", true, "modeling_my.py");
  });
  it("recognises Python by a shebang whatever the name", async () => {
    await expectSafeRule("#!/usr/bin/env python3\nprint('hi')\n", "HFC013", true, "setup_hook");
  });
  it("does not fire on a README with a Python code block", async () => {
    await expectSafeRule("# My model\n\n```python\nimport torch\nfrom transformers import AutoModel\n```\n", "HFC013", false, "README.md");
  });
});
