import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RULES } from "../rules/index.js";
import { runCli } from "../test-support/run-cli.js";

const run = runCli;

const packageVersion = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

describe("modelvet", () => {
  it("prints the package version", async () => {
    expect(await run(["--version"])).toEqual({ code: 0, stdout: `${packageVersion}\n`, stderr: "" });
  });

  it("prints help with examples and exit codes", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Usage: modelvet");
    expect(stdout).toContain("modelvet scan models/ --format sarif --output modelvet.sarif");
    expect(stdout).toContain("Exit codes:");
  });

  it("prints help for a command", async () => {
    const { code, stdout } = await run(["scan", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("--fail-on <severity>");
  });

  it("exits 2 with usage on stderr when no command is given", async () => {
    const { code, stdout, stderr } = await run([]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("Usage: modelvet");
  });

  it("exits 2 on an unknown command", async () => {
    const { code, stderr } = await run(["scna"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^modelvet: unknown command 'scna'/);
  });
});

describe("modelvet rules", () => {
  it("lists every rule with its default severity and title", async () => {
    const { code, stdout } = await run(["rules"]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(RULES.length);
    const pkl001 = RULES.find((r) => r.meta.id === "PKL001")!.meta;
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^PKL001\\s+${pkl001.defaultSeverity}\\s+${escape(pkl001.title)}$`)));
  });

  it("gives the metadata as JSON", async () => {
    const { code, stdout } = await run(["rules", "--format", "json"]);
    expect(code).toBe(0);
    const metas = JSON.parse(stdout) as { id: string; cwe: string[] }[];
    expect(metas.map((m) => m.id)).toEqual(RULES.map((r) => r.meta.id));
    // Same CWE form as in scan reports.
    expect(metas.find((m) => m.id === "PKL001")?.cwe).toContain("CWE-502");
    expect(Object.keys(metas[0]!)).toEqual(["id", "slug", "title", "description", "formats", "defaultSeverity", "confidence", "cwe", "references"]);
  });
});

describe("modelvet explain", () => {
  it("prints the rule's page, found by id in any case or by slug", async () => {
    const byId = await run(["explain", "pkl001"]);
    expect(byId.code).toBe(0);
    expect(byId.stdout).toContain("PKL001");
    const slug = RULES.find((r) => r.meta.id === "PKL001")!.meta.slug;
    expect((await run(["explain", slug])).stdout).toBe(byId.stdout);
  });

  it("exits 2 on an unknown rule and suggests close ids", async () => {
    const { code, stdout, stderr } = await run(["explain", "PLK001"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^modelvet: unknown rule "PLK001"; did you mean PKL001(, |\?)/);
  });

  it("points to the rule list when nothing is close", async () => {
    const { code, stderr } = await run(["explain", "nothing-like-it"]);
    expect(code).toBe(2);
    expect(stderr).toBe('modelvet: unknown rule "nothing-like-it"; run "modelvet rules" to list them\n');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
