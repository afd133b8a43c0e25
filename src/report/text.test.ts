import { describe, expect, it } from "vitest";
import { summarize, verdictOf, type FileReport, type ScanReport } from "../core/finding.js";
import { printable } from "./printable.js";
import { renderText } from "./text.js";

function file(overrides: Partial<FileReport> & Pick<FileReport, "path">): FileReport {
  const base = { formats: [], findings: [], errors: [], notes: [], ...overrides };
  return { ...base, verdict: verdictOf(base.findings, base.errors) };
}

function report(files: FileReport[]): ScanReport {
  return { schemaVersion: 1, tool: { name: "modelvet", version: "0.1.0" }, files, summary: summarize(files) };
}

const unsafe = file({
  path: "models/evil.pt",
  formats: ["pytorch-zip", "pickle"],
  findings: [
    {
      ruleId: "PKL001",
      severity: "critical",
      confidence: "high",
      message: "Pickle imports os.system and calls it",
      location: { member: "evil/data.pkl", offset: 28 },
      evidence: "REDUCE at 28: os.system('echo hi')",
    },
  ],
});
const suspicious = file({
  path: "b.pkl",
  formats: ["pickle"],
  findings: [{ ruleId: "PKL004", severity: "medium", confidence: "medium", message: "Unknown global", location: {} }],
});
const broken = file({
  path: "c.pkl",
  formats: ["pickle"],
  errors: [{ code: "truncated", message: "Stream ends before STOP", location: { offset: 7 } }],
});
const clean = file({ path: "d.json", notes: ["Not a model file"] });

describe("renderText", () => {
  it("prints each file, its findings, errors and notes, then the summary", () => {
    expect(renderText(report([unsafe, suspicious, broken, clean]), { color: false, quiet: false })).toBe(
      [
        "UNSAFE      models/evil.pt  [pytorch-zip, pickle]",
        "  critical PKL001 Pickle imports os.system and calls it",
        "    evidence: REDUCE at 28: os.system('echo hi')",
        "    at evil/data.pkl, offset 28",
        "SUSPICIOUS  b.pkl  [pickle]",
        "  medium   PKL004 Unknown global",
        "ERROR       c.pkl  [pickle]",
        "  error    truncated Stream ends before STOP",
        "    at offset 7",
        "CLEAN       d.json",
        "  note: Not a model file",
        "4 files: 1 unsafe, 1 suspicious, 1 error, 1 clean — findings: 1 critical, 0 high, 1 medium, 0 low, 0 info",
        "",
      ].join("\n"),
    );
  });

  it("leaves out clean files and notes when quiet, but keeps the summary", () => {
    const noted = { ...broken, notes: ["skipped 3 members"] };
    const text = renderText(report([noted, clean]), { color: false, quiet: true });
    expect(text).not.toContain("d.json");
    expect(text).not.toContain("note:");
    expect(text).toContain("ERROR       c.pkl");
    expect(text.trimEnd().split("\n").pop()).toMatch(/^2 files: 0 unsafe, 0 suspicious, 1 error, 1 clean/);
  });

  it("says 1 file, not 1 files", () => {
    expect(renderText(report([clean]), { color: false, quiet: false })).toContain("\n1 file: ");
  });

  it("uses ANSI colours only when asked", () => {
    const all = report([unsafe, suspicious, broken, clean]);
    expect(renderText(all, { color: false, quiet: false })).not.toContain("\u001b[");
    const colored = renderText(all, { color: true, quiet: false });
    expect(colored).toContain("\u001b[31mUNSAFE");
    expect(colored).toContain("\u001b[31mcritical");
    expect(colored).toContain("\u001b[33mSUSPICIOUS");
    expect(colored).toContain("\u001b[33mmedium");
    expect(colored).toContain("\u001b[35mERROR");
    expect(colored).toContain("\u001b[32mCLEAN");
    expect(colored).toContain("\u001b[2m  note: Not a model file\u001b[22m");
  });

  it("neutralises terminal control sequences that come from the scanned bytes", () => {
    const hostile = file({
      path: "evil\nCLEAN  fake.pkl",
      findings: [{ ...unsafe.findings[0]!, evidence: "os.system('x')\u001b[1A\u001b[2K\rCLEAN", location: { member: "a\u202eb" } }],
    });
    const text = renderText(report([hostile]), { color: false, quiet: false });
    expect([...text].filter((c) => (c < " " && c !== "\n") || c === "\u202e")).toEqual([]);
    expect(text).toContain("UNSAFE      evil\\nCLEAN  fake.pkl");
    expect(text).toContain("evidence: os.system('x')\\x1b[1A\\x1b[2K\\rCLEAN");
    expect(text).toContain("at a\\u202eb");
  });
});

describe("printable", () => {
  it("keeps ordinary text, including non-ASCII, unchanged", () => {
    expect(printable("modèle/数据.pkl — ok")).toBe("modèle/数据.pkl — ok");
  });

  it("escapes C0, DEL, C1 and bidi controls", () => {
    expect(printable("\u0000\t\u007f\u009b\u2066")).toBe("\\x00\\t\\x7f\\x9b\\u2066");
  });
});
