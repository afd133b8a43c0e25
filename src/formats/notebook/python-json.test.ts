import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { scanSource } from "../../engine/scan.js";
import { RULES } from "../../rules/index.js";
import { FORMAT_HANDLERS } from "../index.js";
import { NOTEBOOK_MAX_DEPTH } from "./handler.js";

/** nbformat reads notebooks with Python's json: what it accepts must be checked, what it cannot read must not pass. */
const cells = '[{"cell_type": "markdown", "metadata": {}, "source": "<script>Jupyter.notebook.kernel.execute(\\"import os\\")</script>"}]';
const notebook = (metadata: string) => `{"cells": ${cells}, "metadata": ${metadata}, "nbformat": 4, "nbformat_minor": 5}`;
const scan = (text: string, path = "n.ipynb") => scanSource(new MemorySource(new TextEncoder().encode(text)), { path, handlers: FORMAT_HANDLERS, rules: RULES });

describe("notebooks read as Python's json reads them", () => {
  it("parses a notebook with NaN and Infinity and checks its cells", async () => {
    const report = await scan(notebook('{"loss": NaN, "best": -Infinity, "lr": Infinity}'), "weights.bin");
    expect(report.formats).toContain("jupyter-notebook");
    expect(report.findings.map((f) => f.ruleId)).toContain("HTML001");
    expect(report.verdict).toBe("unsafe");
  });

  it("benign near-miss: the same NaN notebook without script is clean", async () => {
    const report = await scan(notebook('{"loss": NaN}').replace(/<script>.*<\/script>/, "plain text"));
    expect(report.formats).toContain("jupyter-notebook");
    expect(report.findings).toEqual([]);
    expect(report.verdict).toBe("clean");
  });

  it("last duplicate wins, as in Python: a script in the second cells list is found", async () => {
    const text = `{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "cells": ${cells}}`;
    expect((await scan(text)).findings.map((f) => f.ruleId)).toContain("HTML001");
  });

  it("a truncated notebook is an error, not clean", async () => {
    const whole = notebook("{}");
    const report = await scan(whole.slice(0, whole.length - 20), "weights.bin");
    expect(report.verdict).toBe("error");
    expect(report.errors.map((e) => e.code)).toContain("notebook-invalid-json");
  });

  it("a notebook nested past the limit is an error naming the limit; at the limit it is read", async () => {
    const nest = (depth: number) => notebook(`{"x": ${"[".repeat(depth)}${"]".repeat(depth)}}`);
    // The metadata value sits two levels down (the notebook object and metadata).
    const deep = await scan(nest(NOTEBOOK_MAX_DEPTH - 1));
    expect(deep.verdict).toBe("error");
    expect(deep.errors.map((e) => e.message).join()).toContain("NOTEBOOK_MAX_DEPTH");
    const ok = await scan(nest(NOTEBOOK_MAX_DEPTH - 2));
    expect(ok.errors).toEqual([]);
    expect(ok.findings.map((f) => f.ruleId)).toContain("HTML001");
  });
});
