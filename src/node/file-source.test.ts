import { execFileSync } from "node:child_process";
import { appendFileSync, closeSync, existsSync, mkdtempSync, openSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileSource, FileSourceError } from "./file-source.js";

const dir = mkdtempSync(join(tmpdir(), "modelvet-file-source-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function file(content: string): string {
  const path = join(dir, `f${counter++}.bin`);
  writeFileSync(path, content);
  return path;
}

/** Runs `body` on a freshly opened source and returns what verify() throws (undefined if nothing). */
async function verifyAfter(path: string, body: (source: FileSource) => Promise<void> | void): Promise<FileSourceError | undefined> {
  const source = await FileSource.open(path);
  try {
    await source.read(0, source.size);
    await body(source);
    return await source.verify().then(
      () => undefined,
      (error: unknown) => error as FileSourceError,
    );
  } finally {
    await source.close();
  }
}

describe("FileSource: the file must not change while it is scanned", () => {
  it("passes a file left alone (near miss)", async () => {
    expect(await verifyAfter(file("stable bytes"), () => undefined)).toBeUndefined();
  });

  it("fails a file rewritten in place at the same size", async () => {
    const path = file("cos\nposix\n.");
    // An old mtime, so the rewrite moves it even within one tick of the coarse file-system clock.
    utimesSync(path, 1_000_000, 1_000_000);
    const error = await verifyAfter(path, () => {
      const fd = openSync(path, "r+");
      writeSync(fd, "cos\nsystem\n", 0);
      closeSync(fd);
    });
    expect(error).toBeInstanceOf(FileSourceError);
    expect(error?.code).toBe("changed-while-reading");
    expect(error?.message).toMatch(/changed while it was scanned \(modification time changed/);
    expect(statSync(path).size).toBe("cos\nposix\n.".length);
  });

  it("fails a file that grew", async () => {
    const path = file("abc");
    const error = await verifyAfter(path, () => appendFileSync(path, "def"));
    expect(error?.code).toBe("changed-while-reading");
    expect(error?.message).toContain("size 3 -> 6");
  });

  it("fails a path replaced by another file (rename over it)", async () => {
    const path = file("first");
    const other = file("other");
    const error = await verifyAfter(path, () => renameSync(other, path));
    expect(error?.code).toBe("changed-while-reading");
    expect(error?.message).toContain("the path now names another file");
  });

  it("fails a path removed during the scan", async () => {
    const path = file("gone");
    const error = await verifyAfter(path, () => rmSync(path));
    expect(error?.message).toContain("the path no longer exists");
  });

  it("fails a file that shrank under a read", async () => {
    const path = file("0123456789");
    const source = await FileSource.open(path);
    try {
      writeFileSync(path, "01");
      await expect(source.read(0, 10)).rejects.toMatchObject({ code: "changed-while-reading" });
    } finally {
      await source.close();
    }
  });
});

describe("FileSource: only regular files of known size", () => {
  it("opens an empty regular file (near miss: size 0 and really empty)", async () => {
    const source = await FileSource.open(file(""));
    expect(source.size).toBe(0);
    await source.verify();
    await source.close();
  });

  it.skipIf(!existsSync("/proc/self/status"))("refuses a /proc file that reports size 0 but has content", async () => {
    await expect(FileSource.open("/proc/self/status")).rejects.toMatchObject({ code: "size-unknown", message: expect.stringContaining("size unknown") });
  });

  it.skipIf(!existsSync("/dev/null"))("refuses a character device", async () => {
    await expect(FileSource.open("/dev/null")).rejects.toMatchObject({ code: "not-a-file", message: expect.stringContaining("character device") });
  });

  it.skipIf(process.platform === "win32")("refuses a FIFO without blocking on it", async () => {
    const fifo = join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    await expect(FileSource.open(fifo)).rejects.toMatchObject({ code: "not-a-file", message: expect.stringContaining("FIFO") });
  });

  it.skipIf(process.platform === "win32")("with noFollow, refuses a link where a file was listed", async () => {
    const target = file("x");
    const link = join(dir, "link");
    execFileSync("ln", ["-s", target, link]);
    await expect(FileSource.open(link, { noFollow: true })).rejects.toMatchObject({ code: "ELOOP" });
    const followed = await FileSource.open(link);
    expect(followed.size).toBe(1);
    await followed.close();
  });
});
