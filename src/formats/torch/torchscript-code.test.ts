import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { MAX_CODE_FILE_BYTES, emptyTorchScriptFacts, scanCodeFile, scanCodeText } from "./torchscript-code.js";

const scan = (text: string) => {
  const facts = emptyTorchScriptFacts();
  scanCodeText(facts, "archive/code/__torch__.py", text);
  return facts;
};

describe("TorchScript code scan", () => {
  it("finds __setstate__ methods, which run while the archive loads", () => {
    const facts = scan("class Evil(Module):\n  def forward(self: __torch__.Evil,\n    x: Tensor) -> Tensor:\n    return x\n  def __setstate__(self: __torch__.Evil,\n    state: Tuple[str, bool]) -> NoneType:\n    return None\n");
    expect(facts.setstate).toEqual([{ path: "archive/code/__torch__.py", line: 5, cls: "Evil" }]);
    expect(facts.gadgets).toEqual([]);
  });

  it("flags the file-writing and file-mapping aten operators", () => {
    const facts = scan("    torch.save(_0, marker)\n    x = torch.from_file(\"/etc/passwd\", False, 4)\n    y = ops.aten.save(t, p)\n");
    expect(facts.gadgets.map((g) => g.line)).toEqual([1, 2, 3]);
    expect(facts.gadgets[0]?.what).toMatch(/aten::save/);
  });

  it("flags Python that cannot be TorchScript, and code in type comments (CVE-2022-45907)", () => {
    const facts = scan("    import os\n    os.system('id')\n  def f(self, x):  # type: (__import__('os').system('id')) -> None\n");
    expect(facts.gadgets.some((g) => g.line === 2)).toBe(true);
    expect(facts.gadgets.find((g) => g.typeComment)?.line).toBe(3);
  });

  it("does not flag the code torch.jit.save writes for ordinary modules", () => {
    const facts = scan(
      "class Sequential(Module):\n  def forward(self: __torch__.torch.nn.modules.container.Sequential,\n    input: Tensor) -> Tensor:\n    _0 = getattr(self, \"0\")\n    input0 = (_0).forward(input, )\n    return torch.relu(torch.linear(input0, self.weight, self.bias))\n  def f(self, x):  # type: (Tensor) -> Tensor\n    pos = x.size(0)\n    return ops.quantized.linear(x, self._packed_params, 1., 0)\n",
    );
    expect(facts.gadgets).toEqual([]);
    expect(facts.customOps).toEqual([]);
  });

  it("flags operators and classes from custom namespaces, not torch's own", () => {
    const facts = scan("    a = torch.ops.my_ext.run(x)\n    b = torch.ops.aten.add(x, x)\n    c = torch.ops.torchvision.nms(x, y, 0.5)\n    d : __torch__.torch.classes.my_ext.Thing\n    e : __torch__.torch.classes.quantized.LinearPackedParamsBase\n");
    expect(facts.customOps.map((h) => h.what)).toEqual(["operator torch.ops.my_ext.run from a custom namespace", "class torch.classes.my_ext.Thing from a custom namespace"]);
  });

  it("skips files over the size budget and says so", async () => {
    const facts = emptyTorchScriptFacts();
    await scanCodeFile(facts, "big.py", new MemorySource(new Uint8Array(MAX_CODE_FILE_BYTES + 1)), { bytes: 0 });
    expect(facts.unread).toEqual([`big.py (${MAX_CODE_FILE_BYTES + 1} bytes, over the code budget)`]);
  });
});
