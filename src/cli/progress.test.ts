import { describe, expect, it } from "vitest";
import type { CliIo } from "./io.js";
import { createProgress } from "./progress.js";

function terminal(columns: number): { io: CliIo; written: () => string } {
  let text = "";
  const io: CliIo = { stdout: { write: () => undefined }, stderr: { write: (t: string) => (text += t) }, isTTY: { stdout: false, stderr: true }, columns };
  return { io, written: () => text };
}

describe("createProgress", () => {
  it("keeps the end of a long path within the terminal width", () => {
    const { io, written } = terminal(40);
    const progress = createProgress(io, () => 0);
    progress.onProgress?.(7, 100, "models/very/deep/folder/structure/weights.pkl");
    expect(written()).toBe("\r\u001b[2Kscanning 7/100 …r/structure/weights.pkl");
    expect(written().length - "\r\u001b[2K".length).toBe(39);
  });

  it("treats a terminal that reports 0 columns as 80 wide, not as 20", () => {
    const { io, written } = terminal(0);
    createProgress(io, () => 0).onProgress?.(7, 100, "m/".repeat(60) + "weights.pkl");
    expect(written().length - "\r\u001b[2K".length).toBe(79);
  });

  it("redraws at most every 100 ms, but always draws the last file", () => {
    const { io, written } = terminal(80);
    let time = 0;
    const progress = createProgress(io, () => time);
    progress.onProgress?.(1, 30, "a");
    time = 50;
    progress.onProgress?.(2, 30, "b");
    time = 100;
    progress.onProgress?.(3, 30, "c");
    time = 120;
    progress.onProgress?.(30, 30, "z");
    progress.finish();
    expect(written().split("\r\u001b[2K").filter(Boolean)).toEqual(["scanning 1/30 a", "scanning 3/30 c", "scanning 30/30 z"]);
    expect(written().endsWith("\r\u001b[2K")).toBe(true);
  });

  it("shows control characters in file names as escapes", () => {
    const { io, written } = terminal(80);
    createProgress(io, () => 0).onProgress?.(1, 21, "a\u001b[2Jb");
    expect(written()).toContain("scanning 1/21 a\\x1b[2Jb");
  });

  it("does nothing when stderr is not a terminal", () => {
    const { io, written } = terminal(80);
    const progress = createProgress({ ...io, isTTY: { stdout: true, stderr: false } }, () => 0);
    progress.onProgress?.(1, 100, "a");
    progress.finish();
    expect(written()).toBe("");
  });
});
