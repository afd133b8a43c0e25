import { describe, expect, it } from "vitest";
import { parseStoreLocation, redactStoreUrl } from "./open-store.js";
import { MAX_RESULTS_PAGE, pageSize, parseResultCursor, resultCursor } from "./store-common.js";
import { InvalidCursorError } from "./store-errors.js";

describe("store URLs", () => {
  it("takes postgres:// and postgresql:// for Postgres, sqlite: and plain paths for SQLite", () => {
    expect(parseStoreLocation("postgres://u@db/m")).toEqual({ kind: "postgres", url: "postgres://u@db/m" });
    expect(parseStoreLocation("postgresql://u@db/m")).toEqual({ kind: "postgres", url: "postgresql://u@db/m" });
    expect(parseStoreLocation("sqlite:gate.db")).toEqual({ kind: "sqlite", path: "gate.db" });
    expect(parseStoreLocation("sqlite:///var/lib/modelvet/gate.db")).toEqual({ kind: "sqlite", path: "/var/lib/modelvet/gate.db" });
    expect(parseStoreLocation("modelvet-gate.db")).toEqual({ kind: "sqlite", path: "modelvet-gate.db" });
    expect(parseStoreLocation("./data/gate.db")).toEqual({ kind: "sqlite", path: "./data/gate.db" });
  });

  it("refuses other schemes instead of creating a file named after them, without echoing a password", () => {
    expect(() => parseStoreLocation("mysql://root:hunter2@db/m")).toThrow(/Unsupported store URL scheme in "mysql:\/\/root:\*\*\*@db\/m"/);
    expect(() => parseStoreLocation("sqlite:")).toThrow(/needs a file path/);
    expect(() => parseStoreLocation("")).toThrow(/empty/);
    expect(redactStoreUrl("postgres://modelvet:s3cr%40t@db:5432/m")).toBe("postgres://modelvet:***@db:5432/m");
    expect(redactStoreUrl("postgres://modelvet@db/m")).toBe("postgres://modelvet@db/m");
  });
});

describe("result pages", () => {
  it("continues after a path that holds the separator", () => {
    const cursor = resultCursor({ scannedAt: "2026-01-01T00:00:00.000Z", repo: "acme/x", path: "odd|name.bin" });
    expect(parseResultCursor(cursor)).toEqual({ scannedAt: "2026-01-01T00:00:00.000Z", repo: "acme/x", path: "odd|name.bin" });
    expect(() => parseResultCursor("2026-01-01|acme")).toThrow(InvalidCursorError);
  });

  it("bounds the page size a caller asks for at MAX_RESULTS_PAGE, and one past it", () => {
    expect(pageSize(MAX_RESULTS_PAGE)).toBe(MAX_RESULTS_PAGE);
    expect(pageSize(MAX_RESULTS_PAGE + 1)).toBe(MAX_RESULTS_PAGE);
    expect(pageSize(Number.POSITIVE_INFINITY)).toBe(MAX_RESULTS_PAGE);
    expect(pageSize(Number.NaN)).toBe(MAX_RESULTS_PAGE);
    expect(pageSize(0)).toBe(1);
    expect(pageSize(2.7)).toBe(2);
  });
});

describe("the embedded default loads no Postgres driver", () => {
  it("imports pg only in the Postgres store (and test support), and that store only dynamically", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const src = new URL("../", import.meta.url).pathname;
    const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.startsWith("test-support"));
    const importsPg = files.filter((f) => /^import [^;]*from "pg";/m.test(readFileSync(join(src, f), "utf8")));
    expect(importsPg).toEqual(["service/store-postgres.ts"]);
    const staticImporters = files.filter((f) => /^import (?!type )[^;]*from "[./]*store-postgres\.js";/m.test(readFileSync(join(src, f), "utf8")));
    expect(staticImporters).toEqual([]);
  });
});
