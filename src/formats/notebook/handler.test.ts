import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { testScanContext } from "../../test-support/scan-context.js";
import { everySource } from "../../test-support/stingy-source.js";
import { notebookHandler, sniffNotebook } from "./handler.js";
import { findShellCommands } from "./magics.js";
import { readNotebook, type NotebookDocument } from "./parse.js";

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/notebook/${name}`, import.meta.url)));
const hint = (name = "x.ipynb") => ({ name, size: 10, parents: [] });
const analyze = async (bytes: Uint8Array) => (await notebookHandler.analyze(everySource(bytes)[1]!.make(), testScanContext()))?.document as NotebookDocument | undefined;

describe("notebook sniff", () => {
  it("is strong on nbformat JSON, weak on other JSON named .ipynb, no otherwise", () => {
    expect(sniffNotebook(fixture("benign/training_analysis.ipynb"), hint("weights.bin"))).toBe("strong");
    expect(sniffNotebook(new TextEncoder().encode('{"a": 1}'), hint())).toBe("weak");
    expect(sniffNotebook(new TextEncoder().encode('{"metadata": {"format": "pt"}}'), hint("model.safetensors.json"))).toBe("no");
  });
});

describe("notebook parsing", () => {
  it("reads a clean analysis notebook with a pandas table and a PNG", async () => {
    const doc = await analyze(fixture("benign/training_analysis.ipynb"));
    expect(doc?.cells).toBe(3);
    expect(doc?.kernel).toBe("python3");
    expect(doc?.html.signals).toEqual([]);
    expect(doc?.html.elements).toBeGreaterThan(5);
  });
  it("labels where each signal sits", async () => {
    const doc = await analyze(fixture("malicious/svg_and_markdown_script_urls.ipynb"));
    expect(doc?.html.signals.map((s) => s.where)).toEqual(["cell 1 (markdown)", "cell 1 (markdown), markdown link", "cell 2, output 1 (image/svg+xml)"]);
  });
  it("reads widget state and application/javascript outputs", async () => {
    expect((await analyze(fixture("malicious/widget_state_html.ipynb")))?.html.signals[0]?.where).toBe("widget 7f3c (HTMLModel)");
    expect((await analyze(fixture("malicious/javascript_output_request_execute.ipynb")))?.html.signals[0]?.kind).toBe("javascript-output");
  });
  it("reads nbformat 3 worksheets and their short output keys", () => {
    const read = readNotebook({ nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [{ cells: [{ cell_type: "code", input: "!ls", outputs: [{ output_type: "display_data", html: "<script>x()</script>" }] }] }] });
    expect(read?.document.html.signals.map((s) => s.kind)).toEqual(["script"]);
    expect(read?.document.shellCommands.map((c) => c.text)).toEqual(["!ls"]);
  });
  it("scans SVG attachments of markdown cells", () => {
    const svg = btoa('<svg onload="alert(1)"/>');
    const read = readNotebook({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "markdown", source: "![a](attachment:a.svg)", attachments: { "a.svg": { "image/svg+xml": svg } } }] });
    expect(read?.document.html.signals.map((s) => s.kind)).toEqual(["event-handler"]);
  });
  it("is not a notebook without nbformat and cells", async () => {
    expect(await analyze(new TextEncoder().encode('{"cells": 3}'))).toBeUndefined();
    expect(await analyze(new TextEncoder().encode("{not json"))).toBeUndefined();
  });
});

describe("findShellCommands", () => {
  it("finds shell escapes, shell cell magics and installs", () => {
    expect(findShellCommands("%%bash\nrm -rf x", 1).map((c) => c.kind)).toEqual(["shell"]);
    expect(findShellCommands("x = 1\n  !wget http://x\n%sx ls\npip install evil\n!python -m pip install y", 2).map((c) => [c.line, c.kind])).toEqual([
      [2, "shell"],
      [3, "shell"],
      [4, "install"],
      [5, "install"],
    ]);
  });
  it("ignores Python that only mentions pip or uses %time", () => {
    expect(findShellCommands("# !pip install x\nprint('pip install x')\n%time f()\nx != y", 1)).toEqual([]);
  });
});
