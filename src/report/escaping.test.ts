import { describe, expect, it } from "vitest";
import { summarize, verdictOf, type FileReport, type ScanReport } from "../core/finding.js";
import { RULES } from "../rules/index.js";
import { renderJson } from "./json.js";
import { renderSarif } from "./sarif.js";
import { renderText } from "./text.js";

/**
 * Text that reached a report without going through the engine's escaping (a path, an I/O error
 * message, a note from an adapter): every renderer escapes it on the way out.
 */
const HOSTILE = "x\u2028y\u2029z\u202e\u200b\u009b\u007f\u{e0041}";
const RAW = ["\u2028", "\u2029", "\u202e", "\u200b", "\u009b", "\u007f", "\u{e0041}"];

function reportWith(text: string): ScanReport {
  const errors = [{ code: "io-error", message: `Cannot read: ${text}`, location: { member: `m${text}` } }];
  const findings = [{ ruleId: "PKL001", severity: "critical" as const, confidence: "high" as const, message: `Found ${text}`, evidence: text, location: {} }];
  const file: FileReport = { path: `dir/${text}.pkl`, verdict: verdictOf(findings, errors), formats: ["pickle"], findings, errors, notes: [`note ${text}`] };
  return { schemaVersion: 1, tool: { name: "modelvet", version: "0" }, files: [file], summary: summarize([file]) };
}

describe("every report format escapes what it is given", () => {
  const outputs = {
    text: renderText(reportWith(HOSTILE), { color: false, quiet: false }),
    json: renderJson(reportWith(HOSTILE)),
    sarif: renderSarif(reportWith(HOSTILE), RULES),
  };

  for (const [format, out] of Object.entries(outputs)) {
    it(`${format}: no line separator, bidi, zero-width, C1, DEL or tag character comes out raw`, () => {
      for (const ch of RAW) expect(out, `U+${ch.codePointAt(0)!.toString(16)}`).not.toContain(ch);
      expect(out).toMatch(/x\\{1,2}u2028y\\{1,2}u2029z\\{1,2}u202e/);
    });
  }

  it("JSON still parses, with the escapes as text", () => {
    const parsed = JSON.parse(outputs.json) as ScanReport;
    expect(parsed.files[0]?.path).toBe("dir/x\\u2028y\\u2029z\\u202e\\u200b\\x9b\\x7f\\u{e0041}.pkl");
  });

  it("near miss: ordinary text, non-ASCII included, is unchanged in every format", () => {
    const plain = "modèle 数据 — ok";
    expect(renderText(reportWith(plain), { color: false, quiet: false })).toContain(`dir/${plain}.pkl`);
    expect((JSON.parse(renderJson(reportWith(plain))) as ScanReport).files[0]?.path).toBe(`dir/${plain}.pkl`);
    expect(renderSarif(reportWith(plain), RULES)).toContain(`Found ${plain}`);
  });
});
