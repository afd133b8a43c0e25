import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { inputKindOf } from "../detect.js";
import type { Dependency } from "../types.js";
import { condaMetaList, parseEnvironmentYaml } from "./conda.js";
import { parseGradleLock, parsePom } from "./maven.js";
import { installedList, parseCoreMetadata } from "./metadata.js";
import { parseRequirement } from "./requirement-line.js";
import { MAX_INCLUDE_DEPTH, parseRequirements, resolveRequirements, type LoadResult } from "./requirements.js";
import { parsePipfileLock, parsePyproject, parseTomlLock, poetryToPep440 } from "./toml-files.js";

const fixture = (path: string): string => readFileSync(new URL(`../../../fixtures/audit/${path}`, import.meta.url), "utf8");
const brief = (deps: readonly Dependency[]): string[] => deps.map((d) => `${d.name}${d.pinning === "exact" ? `==${d.version}` : d.pinning === "range" ? ` ${d.specifier}` : ""}`);

describe("requirement lines", () => {
  it("reads extras, markers and hashes", () => {
    const r = parseRequirement('mlflow[extras]==2.9.0 ; python_version >= "3.8" --hash=sha256:abc', 4);
    expect(r).toEqual({ dependency: { ecosystem: "PyPI", name: "mlflow", pinning: "exact", version: "2.9.0", line: 4, marker: 'python_version >= "3.8"' } });
  });
  it("keeps wildcards and multi-clause specifiers as ranges", () => {
    expect(parseRequirement("torch==2.5.*")).toMatchObject({ dependency: { pinning: "range", specifier: "==2.5.*" } });
    expect(parseRequirement("torch>=2.0,<2.7")).toMatchObject({ dependency: { pinning: "range", specifier: ">=2.0,<2.7" } });
  });
  it("notes URL requirements instead of guessing a version", () => {
    expect(parseRequirement("torch @ https://example.invalid/torch.whl")).toHaveProperty("skip");
  });
});

describe("requirements files and includes", () => {
  const files: Record<string, string> = {
    "req/requirements.txt": fixture("requirements/requirements.txt"),
    "req/base.txt": fixture("requirements/base.txt"),
    "req/cycle.txt": fixture("requirements/cycle.txt"),
    "req/constraints.txt": fixture("requirements/constraints.txt"),
  };
  const load = async (path: string): Promise<LoadResult> => (files[path] !== undefined ? { text: files[path] } : { error: "no such file" });

  it("follows -r and -c, joins continuation lines, stops at the cycle", async () => {
    const root = parseRequirements(files["req/requirements.txt"] as string);
    const list = await resolveRequirements("req/requirements.txt", root, { load });
    expect(brief(list.dependencies)).toEqual(["mlflow==2.9.0", "torch >=2.0,<2.7", "transformers", "keras==3.8.0", "numpy==1.26.4", "joblib==1.1.0", "pyyaml >=5.4"]);
    expect(list.dependencies.find((d) => d.name === "torch")?.marker).toBe('sys_platform == "linux"');
    expect(list.dependencies.find((d) => d.name === "joblib")?.from).toBe("req/base.txt");
    expect(list.notes.some((n) => n.includes("include cycle"))).toBe(true);
    expect(list.notes.some((n) => n.includes("editable"))).toBe(true);
    expect(list.problems).toEqual([]);
  });

  it("stops at the include depth limit and says so", async () => {
    const chain = async (path: string): Promise<LoadResult> => ({ text: `-r ${Number(path.replace(/\D/g, "")) + 1}.txt\ntorch==2.5.1\n` });
    const list = await resolveRequirements("0.txt", parseRequirements("-r 1.txt\n"), { load: chain });
    expect(list.problems.some((p) => p.includes("MAX_INCLUDE_DEPTH"))).toBe(true);
    expect(list.dependencies).toHaveLength(MAX_INCLUDE_DEPTH);
  });

  it("reports an include it cannot read", async () => {
    const list = await resolveRequirements("r.txt", parseRequirements("-r missing.txt\n"), { load });
    expect(list.problems[0]).toMatch(/missing\.txt.*not read/);
  });

  it("reads pip freeze output", () => {
    expect(brief(parseRequirements(fixture("freeze/pip-freeze.txt")).dependencies)).toContain("torch==2.5.1+cpu");
  });
});

describe("pyproject.toml", () => {
  it("reads PEP 621, dependency groups and Poetry tables", () => {
    const list = parsePyproject(fixture("locks/pyproject.toml"));
    expect(brief(list.dependencies)).toEqual(["torch >=2.2,<2.6", "safetensors >=0.4", "transformers >=4.40", "mlflow==2.9.0", "pytest >=8", "keras >=3.0,<4", "h5py", "joblib >=1.1,<1.2"]);
  });
  it("converts Poetry constraints", () => {
    expect(poetryToPep440("^0.2.3")).toEqual({ pinning: "range", specifier: ">=0.2.3,<0.3" });
    expect(poetryToPep440("~1.2.3")).toEqual({ pinning: "range", specifier: ">=1.2.3,<1.3" });
    expect(poetryToPep440("2.5.1")).toEqual({ pinning: "exact", version: "2.5.1" });
    expect(poetryToPep440("*")).toEqual({ pinning: "any" });
    expect(poetryToPep440("what?")).toBeUndefined();
  });
  it("reports TOML that does not parse", () => {
    expect(parsePyproject("[project\n").problems[0]).toMatch(/TOML does not parse/);
  });
});

describe("lock files", () => {
  it("poetry.lock", () => expect(brief(parseTomlLock(fixture("locks/poetry.lock"), "poetry-lock").dependencies)).toEqual(["keras==3.10.0", "numpy==1.26.4"]));
  it("uv.lock skips the project itself", () => expect(brief(parseTomlLock(fixture("locks/uv.lock"), "uv-lock").dependencies)).toEqual(["torch==2.4.1", "safetensors==0.4.5"]));
  it("Pipfile.lock", () => expect(brief(parsePipfileLock(fixture("locks/Pipfile.lock")).dependencies)).toEqual(["mlflow==2.9.2", "torch==2.6.0", "pyyaml==5.3"]));
  it("Gradle lock", () => expect(brief(parseGradleLock(fixture("locks/gradle.lockfile")).dependencies)).toEqual(["ai.h2o:h2o-core==3.46.0.4", "ai.h2o:h2o-genmodel==3.46.0.4", "ml.combust.mleap:mleap-tensorflow_2.12==0.23.0", "com.google.guava:guava==33.0.0-jre"]));
});

describe("conda and MLflow environment files", () => {
  it("environment.yml: conda specs (fuzzy =) and the pip section", () => {
    expect(brief(parseEnvironmentYaml(fixture("locks/environment.yml"), "conda-environment").dependencies)).toEqual(["torch ==2.5.1.*", "numpy >=1.26", "keras==3.8.0", "mlflow >=2.10.1"]);
  });
  it("python_env.yaml: build dependencies and -r includes", () => {
    const parsed = parseEnvironmentYaml(fixture("mlflow_model/python_env.yaml"), "mlflow-python-env");
    expect(parsed.includes.map((i) => i.path)).toEqual(["requirements.txt"]);
    expect(brief(parsed.dependencies)).toContain("pip==24.0");
  });
  it("reports YAML that does not parse and refuses alias bombs", () => {
    expect(parseEnvironmentYaml("dependencies: [", "conda-environment").problems[0]).toMatch(/YAML/);
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`).join("\n")}\ndependencies: [torch]\n`;
    expect(parseEnvironmentYaml(bomb, "conda-environment").problems[0]).toMatch(/YAML/);
  });
  it("conda-meta records, with conda names mapped to PyPI", () => {
    const list = condaMetaList([{ path: "conda-meta/pytorch.json", text: fixture("conda_env/conda-meta/pytorch-2.5.1-py3.11_cpu_0.json") }, { path: "conda-meta/bad.json", text: "{" }]);
    expect(brief(list.dependencies)).toEqual(["torch==2.5.1"]);
    expect(list.problems[0]).toMatch(/not valid JSON/);
  });
});

describe("Maven POM", () => {
  it("expands properties in names and versions and keeps ranges", () => {
    const list = parsePom(fixture("maven/pom.xml"));
    expect(brief(list.dependencies)).toEqual(["ml.combust.mleap:mleap-tensorflow_2.12==0.22.0", "ai.h2o:h2o-core [3.40,3.48)", "ml.combust.mleap:mleap-runtime_2.12==0.23.1"]);
    expect(list.dependencies[0]?.line).toBe(12);
  });
  it("stops self-referencing properties", () => {
    const list = parsePom("<project><properties><a>${b}</a><b>${a}</b></properties><dependencies><dependency><groupId>ai.h2o</groupId><artifactId>h2o-core</artifactId><version>${a}</version></dependency></dependencies></project>");
    expect(list.dependencies[0]?.pinning).toBe("any");
  });
});

describe("core metadata and input detection", () => {
  it("reads Name and Version from the headers only", () => {
    expect(parseCoreMetadata("Metadata-Version: 2.1\nName: torch\nVersion: 2.5.1+cpu\n\nVersion: 9.9 in the body\n")).toEqual({ name: "torch", version: "2.5.1+cpu" });
    expect(installedList([{ path: "x.dist-info/METADATA", text: "Summary: none\n" }]).problems).toHaveLength(1);
  });
  it.each([
    ["venv/lib/python3/site-packages/torch-2.5.1.dist-info/METADATA", "site-packages"],
    ["env/conda-meta/pytorch-2.5.1.json", "conda-meta"],
    ["requirements-dev.txt", "requirements"],
    ["dev.requirements.txt", "requirements"],
    ["requirements/dev.txt", "requirements"],
    ["model/python_env.yaml", "mlflow-python-env"],
    ["model/conda.yaml", "conda-environment"],
    ["environment.yml", "conda-environment"],
    ["uv.lock", "uv-lock"],
    ["gradle.lockfile", "gradle-lock"],
    ["pom.xml", "maven-pom"],
    ["README.md", undefined],
    ["notes.txt", undefined],
  ])("%s -> %s", (path, kind) => expect(inputKindOf(path)).toBe(kind));
});

describe("attacker-sized inputs stay linear", () => {
  it("a conda file with many pip lines that never match the line finder", () => {
    const many = Array.from({ length: 20_000 }, (_, i) => `    - pkg${i}==1.0`).join("\n");
    const parsed = parseEnvironmentYaml(`dependencies:\n  - pip:\n${many}\n`, "conda-environment");
    expect(parsed.dependencies).toHaveLength(20_000);
    expect(parsed.dependencies[19_999]?.line).toBe(20_002);
  });
  it("a POM whose properties double at every level is not expanded", () => {
    const props = Array.from({ length: 16 }, (_, i) => `<p${i}>\${p${i + 1}}\${p${i + 1}}</p${i}>`).join("") + "<p16>xxxxxxxxxxxxxxxx</p16>";
    const list = parsePom(`<project><properties>${props}</properties><dependencies><dependency><groupId>ai.h2o</groupId><artifactId>h2o-core</artifactId><version>\${p0}</version></dependency></dependencies></project>`);
    expect(list.dependencies[0]?.pinning).toBe("any");
  });
});
