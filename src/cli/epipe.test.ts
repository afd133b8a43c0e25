import { spawnSync } from "node:child_process";
import { EventEmitter } from "node:events";
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { quietWhenClosed } from "./io.js";

/** The built CLI (`npm run build`); the pipe behaviour belongs to a real process, not to main(). */
const BIN = new URL("../../dist/cli/bin.js", import.meta.url).pathname;
const built = existsSync(BIN);
const bash = spawnSync("bash", ["-c", "true"]).status === 0;
if (!built) console.warn(`EPIPE test skipped: ${BIN} not found (run npm run build)`);

const dir = mkdtempSync(join(tmpdir(), "modelvet-epipe-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Enough files that the JSON report (about 90 KB) outgrows a 64 KB pipe buffer. */
function manyFiles(): string {
  const folder = join(dir, "many");
  mkdirSync(folder, { recursive: true });
  for (let i = 0; i < 300; i++) writeFileSync(join(folder, `f${String(i).padStart(3, "0")}.pkl`), "(lp0\nI1\na.");
  return folder;
}

describe.skipIf(!built || !bash || process.platform === "win32")("modelvet scan | head -c 1", () => {
  it("ends quietly when the reader closes the pipe, with the scan's own exit code", () => {
    const folder = manyFiles();
    const script = `"${process.execPath}" "${BIN}" scan "${folder}" --format json | head -c 1; exit \${PIPESTATUS[0]}`;
    const result = spawnSync("bash", ["-c", script], { encoding: "utf8" });
    expect(result.stdout).toBe("{");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

});

/** A stream that records writes and lets the test emit its errors. */
function fakeStream(): { stream: NodeJS.WritableStream; written: string[] } {
  const written: string[] = [];
  const stream = new EventEmitter() as unknown as NodeJS.WritableStream;
  (stream as unknown as { write(text: string): boolean }).write = (text: string) => written.push(text) > 0;
  return { stream, written };
}

describe("quietWhenClosed", () => {
  it("stops writing after EPIPE instead of crashing", () => {
    const { stream, written } = fakeStream();
    const out = quietWhenClosed(stream);
    out.write("a");
    stream.emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
    out.write("b");
    expect(written).toEqual(["a"]);
  });

  it("near miss: passes every write through while the reader is there, and other errors still surface", () => {
    const { stream, written } = fakeStream();
    const out = quietWhenClosed(stream);
    out.write("a");
    out.write("b");
    expect(written).toEqual(["a", "b"]);
    expect(() => stream.emit("error", Object.assign(new Error("no space"), { code: "ENOSPC" }))).toThrow("no space");
  });
});
