import { describe, expect, it } from "vitest";
import { MemorySource } from "../core/byte-source.js";
import { scanSource } from "../engine/scan.js";
import { RULES } from "../rules/index.js";
import { isConfigFileName } from "./hf-config/recognise.js";
import { FORMAT_HANDLERS } from "./index.js";

/**
 * Inputs shaped to make a backtracking regular expression or a quadratic loop blow up, fed to
 * every handler's sniff and analyze through the engine under every name that changes which
 * handler claims them. No timing is asserted: a super-linear path shows up as a test that does
 * not finish (40 blank lines used to hang the H2O model.ini sniff forever).
 */
// Big enough that quadratic work shows (hundreds of millions of steps), small enough for the suite.
const SIZE = 24 * 1024;
const fill = (unit: string, prefix = "", suffix = "!") => prefix + unit.repeat(Math.ceil((SIZE - prefix.length) / unit.length)) + suffix;

const SHAPES: Record<string, string> = {
  "blank lines": fill("\n"),
  "CRLF lines": fill("\r\n"),
  "space-newline": fill(" \n"),
  "tab-newline": fill("\t\n"),
  "comment lines": fill("#\n"),
  "brace then blank lines": fill("\n", "{"),
  "H2O comments": fill("# c\n \n"),
  "JSON config padding": fill("\n", '{"model_type": "x",', '"a": 1}'),
  "YAML dashes": fill("- "),
  "YAML markers": fill("\n", "---\n"),
  "YAML compact nesting": fill("- ? "),
  "flow nesting": fill("[{", "a: "),
  "markdown labels": fill("[\n"),
  "tag openers": fill("<a"),
  "kernel urls": fill("/api/kernels/"),
  "nc flags": fill(" -nc", "nc"),
  "type comments": fill("#type:"),
  "slashes": fill("/"),
  "config names": fill("config"),
  "fromCharCode": fill("1,", "String.fromCharCode("),
  "html comments": fill("<!--"),
  "jinja braces": fill("{{"),
  "jinja blocks": fill("{% if x %}"),
};

const NAMES = ["sample.bin", "config.json", "MLmodel", "params.yaml", "notebook.ipynb", "card.html", "model.ini", "template.jinja", "model.gguf"];

describe("pathological inputs finish through the engine", () => {
  for (const [shape, text] of Object.entries(SHAPES)) {
    it(shape, async () => {
      const bytes = new TextEncoder().encode(text);
      for (const path of NAMES) {
        const report = await scanSource(new MemorySource(bytes), { path, handlers: FORMAT_HANDLERS, rules: RULES, limits: { maxPickleOps: 10_000_000 } });
        expect(report.verdict).toBeDefined();
      }
    });
  }

  it("config names: linear check, same answers as the old expression", () => {
    for (const name of ["config.json", "tokenizer_config.json", "x/chat_template.json", "model.safetensors.index.json", "my config.json", "CONFIG.JSON", "config.json.bak", "configs/x.json", "vocab.json"]) {
      expect(isConfigFileName(name), name).toBe(/(?:config|chat_template)[\w.-]*\.json$|\.index\.json$/i.test(name));
    }
    expect(isConfigFileName("config".repeat(20_000) + "!x.json")).toBe(false);
  });
});
