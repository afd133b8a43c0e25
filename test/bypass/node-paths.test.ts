/**
 * Regression shapes for the Node adapter and the CLI (issue 8): each one once made a scan go
 * silently clean, lose other files' verdicts, or print attacker text raw. Every shape is built in
 * code in a temp folder and has a benign near miss that must stay clean.
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { FileReport, ScanReport } from "../../src/core/finding.js";
import { runCli } from "../../src/test-support/run-cli.js";
import { FileSource } from "../../src/node/file-source.js";
import { scanPaths } from "../../src/node/scan-paths.js";
import { walk } from "../../src/node/walk.js";
import { defaultPolicy } from "../../src/policy/default.js";
import { renderJson } from "../../src/report/json.js";
import { renderSarif } from "../../src/report/sarif.js";
import { renderText } from "../../src/report/text.js";
import { RULES } from "../../src/rules/index.js";

/** Protocol 0: `os.system('echo hi')` on load. */
const MALICIOUS = "cos\nsystem\n(S'echo hi'\ntR.";
/** Protocol 0: `[1]`. */
const BENIGN = "(lp0\nI1\na.";
/** Protocol 0, UNICODE argument with raw-unicode-escapes: the string holds U+2028, U+202E, U+200B and a tag character. */
const HIDDEN_TEXT = "cos\nsystem\n(Vecho hi\\u2028\\u202eCLEAN\\u200b\\U000e0041\ntR.";

const tmp = mkdtempSync(join(tmpdir(), "modelvet-bypass-node-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fresh folder under the temp root. */
function folder(name: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const scan = (paths: (string | Buffer)[]): Promise<ScanReport> => scanPaths(paths, { policy: defaultPolicy() });
const byName = (report: ScanReport, tail: string): FileReport | undefined => report.files.find((f) => f.path.endsWith(tail));
const posix = process.platform !== "win32";
/** Linux file systems take any bytes but `/` and NUL in a name; macOS (APFS) and Windows want UTF-8. */
const byteNames = process.platform === "linux";

const cli = (args: string[], rawArgv?: Uint8Array[]): ReturnType<typeof runCli> => runCli(args, { env: {}, rawArgv });

describe("a missing path is an error for that path only", () => {
  const dir = folder("missing");
  const evil = join(dir, "evil.pkl");
  const benign = join(dir, "benign.pkl");
  writeFileSync(evil, MALICIOUS);
  writeFileSync(benign, BENIGN);

  it("reports not-found for the missing path and keeps every other verdict, in order", async () => {
    const report = await scan([benign, join(dir, "nope.pt"), evil, join(dir, "no-dir", "x.pt")]);
    expect(report.files.map((f) => [f.verdict, f.errors.map((e) => e.code)])).toEqual([
      ["clean", []],
      ["error", ["not-found"]],
      ["unsafe", []],
      ["error", ["not-found"]],
    ]);
    expect(report.summary).toMatchObject({ files: 4, unsafe: 1, error: 2, clean: 1 });
  });

  it("near miss: with every path present there is no error", async () => {
    const report = await scan([benign, evil]);
    expect(report.files.map((f) => f.verdict)).toEqual(["clean", "unsafe"]);
  });

  it("the CLI prints every verdict and exits 1, not 2", async () => {
    const { code, stdout, stderr } = await cli(["scan", benign, join(dir, "nope.pt"), evil, "--format", "json"]);
    expect(code).toBe(1);
    expect(stderr).toBe("");
    expect((JSON.parse(stdout) as ScanReport).files.map((f) => f.verdict)).toEqual(["clean", "error", "unsafe"]);
  });
});

describe.skipIf(!byteNames)("a file name that is not UTF-8 is scanned and shown escaped", () => {
  const dir = folder("bytes");
  const dirBytes = Buffer.from(dir);
  const evilName = Buffer.concat([dirBytes, Buffer.from("/ev"), Buffer.from([0xff, 0xfe]), Buffer.from("il.pkl")]);
  const benignName = Buffer.concat([dirBytes, Buffer.from("/b"), Buffer.from([0xe9]), Buffer.from("nin.pkl")]);
  writeFileSync(evilName, MALICIOUS);
  writeFileSync(benignName, BENIGN);
  writeFileSync(join(dir, "modèle.pkl"), BENIGN);

  it("finds the payload in a file named with bytes 0xFF 0xFE", async () => {
    const report = await scan([dir]);
    const evil = byName(report, "ev\\xff\\xfeil.pkl");
    expect(evil?.verdict).toBe("unsafe");
    expect(evil?.findings.map((f) => f.ruleId)).toContain("PKL001");
    expect(evil?.path).toBe(`${dir}/ev\\xff\\xfeil.pkl`);
  });

  it("near miss: a benign pickle with a Latin-1 name is scanned and clean; a UTF-8 name prints as is", async () => {
    const report = await scan([dir]);
    expect(byName(report, "b\\xe9nin.pkl")).toMatchObject({ verdict: "clean", formats: ["pickle"] });
    expect(byName(report, "/modèle.pkl")).toMatchObject({ verdict: "clean", formats: ["pickle"] });
  });

  it("a file named by bytes (the library API) is scanned too", async () => {
    const report = await scan([evilName]);
    expect(report.files[0]).toMatchObject({ verdict: "unsafe", path: `${dir}/ev\\xff\\xfeil.pkl` });
  });

  it("the CLI scans a byte name given as an argument (Node's argv holds U+FFFD; the raw command line has the bytes)", async () => {
    const lossy = new TextDecoder().decode(evilName);
    expect(lossy).toContain("\ufffd");
    const raw = [Buffer.from("node"), Buffer.from("modelvet"), Buffer.from("scan"), evilName];
    const { code, stdout } = await cli(["scan", lossy], raw);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^UNSAFE\s+.*ev\\xff\\xfeil\.pkl/m);
    // Near miss: without the raw command line the name cannot be opened, and that is an error, not clean.
    const without = await cli(["scan", lossy]);
    expect(without.code).toBe(1);
    expect(without.stdout).toContain("\n  error    not-found No such file or directory\n");
  });

  it("prints the escaped name, never U+FFFD or a raw byte, in text, JSON and SARIF", async () => {
    const report = await scan([dir]);
    const text = renderText(report, { color: false, quiet: false });
    const json = renderJson(report);
    const sarif = renderSarif(report, RULES);
    expect(text).toContain("ev\\xff\\xfeil.pkl");
    expect((JSON.parse(json) as ScanReport).files.map((f) => f.path)).toContain(`${dir}/ev\\xff\\xfeil.pkl`);
    // SARIF URIs turn backslashes into slashes (Windows paths), escapes included: readable, inert.
    expect(sarif).toContain("xff");
    for (const out of [text, json, sarif]) expect(out).not.toContain("\ufffd");
  });
});

describe("text a scanned file chooses is escaped in every report format", () => {
  const dir = folder("separators");
  writeFileSync(join(dir, "hidden.pkl"), HIDDEN_TEXT);
  writeFileSync(join(dir, "plain.pkl"), MALICIOUS);
  const hostileName = "na\u2028me\u202e.pkl";
  writeFileSync(join(dir, hostileName), BENIGN);
  const raw = ["\u2028", "\u2029", "\u202e", "\u200b", "\u{e0041}"];

  it("escapes U+2028, bidi, zero-width and tag characters from pickle strings and file names", async () => {
    const report = await scan([dir]);
    const hidden = byName(report, "hidden.pkl");
    expect(hidden?.findings.map((f) => f.ruleId)).toContain("PKL001");
    const text = renderText(report, { color: false, quiet: false });
    const json = renderJson(report);
    const sarif = renderSarif(report, RULES);
    for (const out of [text, json, sarif]) {
      for (const ch of raw) expect(out, `U+${ch.codePointAt(0)!.toString(16)}`).not.toContain(ch);
    }
    const evidence = "echo hi\\u2028\\u202eCLEAN\\u200b\\u{e0041}";
    expect(text).toContain(evidence);
    expect(text).toContain("na\\u2028me\\u202e.pkl");
    const parsed = JSON.parse(json) as ScanReport;
    expect(byName(parsed, "hidden.pkl")?.findings[0]?.evidence).toContain(evidence);
    expect(parsed.files.map((f) => f.path)).toContain(`${dir}/na\\u2028me\\u202e.pkl`);
    const results = (JSON.parse(sarif) as { runs: { results: { message: { text: string } }[] }[] }).runs[0]!.results;
    expect(results.map((r) => r.message.text).join("\n")).toContain(evidence);
  });

  it("near miss: ordinary evidence is printed unchanged", async () => {
    const report = await scan([join(dir, "plain.pkl")]);
    expect(renderText(report, { color: false, quiet: false })).toContain("os.system('echo hi')");
    expect((JSON.parse(renderJson(report)) as ScanReport).files[0]?.findings[0]?.evidence).toContain("os.system('echo hi')");
  });
});

describe("a file whose size cannot be trusted is not clean", () => {
  it.skipIf(!existsSync("/proc/self/status"))("a /proc file that reports size 0 but has content is an error", async () => {
    const report = await scan(["/proc/self/status"]);
    expect(report.files[0]).toMatchObject({ verdict: "error", errors: [expect.objectContaining({ code: "size-unknown" })] });
  });

  it("near miss: an empty regular file is clean", async () => {
    const empty = join(folder("empty"), "empty.bin");
    writeFileSync(empty, "");
    expect((await scan([empty])).files[0]?.verdict).toBe("clean");
  });

  it.skipIf(!existsSync("/dev/zero"))("a character device named on the command line is an error, never opened", async () => {
    const report = await scan(["/dev/zero"]);
    expect(report.files[0]).toMatchObject({ verdict: "error", errors: [expect.objectContaining({ code: "not-a-file", message: expect.stringContaining("character device") })] });
  });
});

describe.skipIf(!posix)("symlink loops in a folder are errors, and the walk ends", () => {
  const dir = folder("loops");
  mkdirSync(join(dir, "sub"));
  writeFileSync(join(dir, "weights.pkl"), BENIGN);
  symlinkSync("b", join(dir, "a"));
  symlinkSync("a", join(dir, "b"));
  symlinkSync("..", join(dir, "sub", "up"));
  symlinkSync(".", join(dir, "self"));
  symlinkSync("weights.pkl", join(dir, "alias.pkl"));
  symlinkSync("sub", join(dir, "sub-link"));

  it("a → b → a is an error for each link", async () => {
    const report = await scan([dir]);
    for (const tail of ["/a", "/b"]) {
      expect(byName(report, tail)).toMatchObject({ verdict: "error", errors: [expect.objectContaining({ code: "symlink-loop" })] });
    }
  });

  it("a link to a folder that holds it is an error", async () => {
    const report = await scan([dir]);
    expect(byName(report, "/sub/up")?.errors.map((e) => e.code)).toEqual(["symlink-loop"]);
    expect(byName(report, "/self")?.errors.map((e) => e.code)).toEqual(["symlink-loop"]);
  });

  it("near miss: links to a file or a sibling folder inside stay clean", async () => {
    const report = await scan([dir]);
    expect(byName(report, "/alias.pkl")).toMatchObject({ verdict: "clean", errors: [] });
    expect(byName(report, "/sub-link")).toMatchObject({ verdict: "clean", errors: [] });
    expect(byName(report, "/weights.pkl")?.verdict).toBe("clean");
    expect(report.files).toHaveLength(7);
  });
});

describe.skipIf(!posix)("a folder or file replaced while the walk is under way is an error", () => {
  /** A folder with a.pkl, sub/inner.pkl and z.pkl, and a folder outside it holding a payload. */
  function layout(name: string): { root: string; outside: string } {
    const root = folder(`${name}/root`);
    const outside = folder(`${name}/outside`);
    writeFileSync(join(root, "a.pkl"), BENIGN);
    mkdirSync(join(root, "sub"));
    writeFileSync(join(root, "sub", "inner.pkl"), BENIGN);
    writeFileSync(join(root, "z.pkl"), BENIGN);
    writeFileSync(join(outside, "inner.pkl"), MALICIOUS);
    return { root, outside };
  }

  it("a subfolder swapped for a link to elsewhere after its parent was listed is not walked", async () => {
    const { root, outside } = layout("swap-dir");
    const entries = [];
    // The walk is lazy: z.pkl comes out after sub/ was listed as a folder and before it is read,
    // which is the attacker's window.
    for await (const entry of walk(root, "root")) {
      entries.push(entry);
      if (entry.path === "root/z.pkl") {
        renameSync(join(root, "sub"), join(root, "sub-old"));
        symlinkSync(outside, join(root, "sub"));
      }
    }
    expect(entries.map((e) => [e.path, e.kind, e.kind === "unreadable" ? e.code : undefined])).toEqual([
      ["root/a.pkl", "file", undefined],
      ["root/z.pkl", "file", undefined],
      ["root/sub", "unreadable", "changed-while-reading"],
    ]);
  });

  it("a file replaced between the listing and the open is not scanned", async () => {
    const { root, outside } = layout("swap-file");
    const entries = [];
    for await (const entry of walk(root, "root")) entries.push(entry);
    const a = entries.find((e) => e.path === "root/a.pkl");
    if (a?.kind !== "file") throw new Error("a.pkl not listed as a file");
    renameSync(join(outside, "inner.pkl"), join(root, "a.pkl"));
    await expect(FileSource.open(a.absolute, { noFollow: true, expect: a.identity })).rejects.toMatchObject({ code: "changed-while-reading" });
  });

  it("near miss: left alone, the same layout walks and opens cleanly", async () => {
    const { root } = layout("left-alone");
    const entries = [];
    for await (const entry of walk(root, "root")) entries.push(entry);
    expect(entries.map((e) => [e.path, e.kind])).toEqual([
      ["root/a.pkl", "file"],
      ["root/z.pkl", "file"],
      ["root/sub/inner.pkl", "file"],
    ]);
    const a = entries[0];
    if (a?.kind !== "file") throw new Error("a.pkl not listed as a file");
    const source = await FileSource.open(a.absolute, { noFollow: true, expect: a.identity });
    await source.close();
    expect((await scan([root])).files.map((f) => f.verdict)).toEqual(["clean", "clean", "clean"]);
  });
});
