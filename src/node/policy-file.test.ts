import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PolicyError } from "../policy/policy.js";
import { loadPolicy } from "./policy-file.js";

const dir = mkdtempSync(join(tmpdir(), "modelvet-policy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function policyFile(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function loadError(file: string): Promise<string> {
  const error = await loadPolicy(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PolicyError);
  return (error as PolicyError).message;
}

describe("loadPolicy", () => {
  it("returns the default policy without a file", async () => {
    const policy = await loadPolicy();
    expect(policy.failOn).toBe("high");
    expect(policy.classifyGlobal("posix", "system").cls).toBe("dangerous");
  });

  it("reads YAML on top of the defaults", async () => {
    const file = policyFile(
      "policy.yaml",
      ["version: 1", "failOn: medium", "globals:", "  safe: [mylib.Config]", "  deny:", "    network: [mylib.net]", "rules:", "  PKL003: off", "  PKL004: low", ""].join("\n"),
    );
    const policy = await loadPolicy(file);
    expect(policy.failOn).toBe("medium");
    expect(policy.classifyGlobal("mylib", "Config").cls).toBe("safe");
    expect(policy.classifyGlobal("mylib.net", "fetch")).toMatchObject({ cls: "dangerous", category: "network" });
    expect(policy.severityOf("PKL003", "medium")).toBe("off");
    expect(policy.severityOf("PKL004", "medium")).toBe("low");
    // The defaults are still there.
    expect(policy.classifyGlobal("os", "system").cls).toBe("dangerous");
  });

  it("reads JSON, decided by content rather than by the file name", async () => {
    const file = policyFile("policy.yaml.txt", '\n  {"version": 1, "failOn": "critical"}');
    expect((await loadPolicy(file)).failOn).toBe("critical");
  });

  it("accepts a UTF-8 byte order mark", async () => {
    const file = policyFile("bom.json", `\uFEFF{"version": 1, "failOn": "low"}`);
    expect((await loadPolicy(file)).failOn).toBe("low");
  });

  it("says when the file does not exist", async () => {
    const missing = join(dir, "missing.yaml");
    expect(await loadError(missing)).toBe(`Cannot load policy ${JSON.stringify(missing)}: no such file or directory`);
  });

  it("names the JSON syntax error", async () => {
    const file = policyFile("bad.json", '{"version": 1,');
    expect(await loadError(file)).toMatch(/^Cannot load policy ".*bad\.json": invalid JSON: /);
  });

  it("names the YAML syntax error with its line", async () => {
    const file = policyFile("dup.yaml", "version: 1\nversion: 1\n");
    expect(await loadError(file)).toMatch(/^Cannot load policy ".*dup\.yaml": invalid YAML: Map keys must be unique at line 2, column 1$/);
  });

  it("rejects YAML tags outside the core schema instead of reading them as strings", async () => {
    const file = policyFile("tag.yaml", "version: 1\nfailOn: !!python/object:os.system high\n");
    expect(await loadError(file)).toMatch(/invalid YAML: Unresolved tag: tag:yaml\.org,2002:python\/object:os\.system/);
  });

  it("passes on what the schema check found, in the same voice", async () => {
    const file = policyFile("v2.yaml", "version: 2\n");
    expect(await loadError(file)).toBe(`Cannot load policy ${JSON.stringify(file)}: policy version must be 1, got 2`);
    const info = policyFile("info.json", '{"version": 1, "failOn": "info"}');
    expect(await loadError(info)).toContain('policy failOn "info" would fail every model');
    const unknown = policyFile("unknown-rule.json", '{"version": 1, "rules": {"PKL01": "off"}}');
    expect(await loadError(unknown)).toBe(`Cannot load policy ${JSON.stringify(unknown)}: policy rules names unknown rule id "PKL01"; run "modelvet rules" for the rule ids`);
    const rules = policyFile("rules.json", '{"version": 1, "rules": {"PKL001": "loud"}}');
    expect(await loadError(rules)).toBe(`Cannot load policy ${JSON.stringify(rules)}: policy rules.PKL001 must be a severity or "off", got "loud"`);
  });

  it("rejects an empty file, which is not a policy", async () => {
    expect(await loadError(policyFile("empty.yaml", ""))).toMatch(/: policy must be an object$/);
  });

  it("rejects bytes that are not UTF-8", async () => {
    expect(await loadError(policyFile("latin1.yaml", new Uint8Array([0x76, 0xe9, 0x0a])))).toMatch(/: file is not valid UTF-8$/);
  });

  it("stops reading at 1 MiB and accepts a file exactly at the limit", async () => {
    const atLimit = `{"version": 1}${" ".repeat(1024 * 1024 - 14)}`;
    expect((await loadPolicy(policyFile("at-limit.json", atLimit))).failOn).toBe("high");
    expect(await loadError(policyFile("over-limit.json", `${atLimit} `))).toMatch(/: file is larger than 1048576 bytes$/);
  });
});

describe("docs/policy.md", () => {
  const markdown = readFileSync(new URL("../../docs/policy.md", import.meta.url), "utf8");

  it.each(["yaml", "json"])("has a %s example that loads", async (language) => {
    const example = new RegExp("```" + language + "\\n([\\s\\S]*?)```").exec(markdown)?.[1];
    expect(example).toBeDefined();
    const policy = await loadPolicy(policyFile(`example.${language}`, example!));
    expect(policy.classifyGlobal("mycompany.training.config", "TrainConfig").cls).toBe("safe");
    expect(policy.classifyGlobal("mycompany.models.resnet", "ResNet").cls).toBe("ml");
  });
});
