import type { Ecosystem } from "./types.js";

/** Distributions that ship another package's code under a different name (same version line). */
const PYPI_ALIASES: Readonly<Record<string, string>> = {
  "tensorflow-cpu": "tensorflow",
  "tensorflow-gpu": "tensorflow",
  "tensorflow-intel": "tensorflow",
  "tensorflow-macos": "tensorflow",
};

/** PEP 503 (runs of `-`, `_`, `.` are one `-`, case-insensitive), then known aliases. */
export function normalizePypiName(name: string): string {
  const normal = name.trim().toLowerCase().replace(/[-_.]+/g, "-");
  return PYPI_ALIASES[normal] ?? normal;
}

/**
 * Maven `group:artifact`, lower-cased, with the Scala binary suffix (`_2.12`, `_2.13`, `_3`)
 * dropped: MLeap publishes one artifact per Scala version and an advisory names the project.
 */
export function normalizeMavenName(name: string): string {
  return name.trim().toLowerCase().replace(/_(?:2\.1[0-3]|3)$/, "");
}

export function normalizeName(ecosystem: Ecosystem, name: string): string {
  return ecosystem === "PyPI" ? normalizePypiName(name) : normalizeMavenName(name);
}

/** Conda package names that are a PyPI package under another name. */
const CONDA_TO_PYPI: Readonly<Record<string, string>> = {
  pytorch: "torch",
  "pytorch-cpu": "torch",
  "pytorch-gpu": "torch",
  "py-xgboost": "xgboost",
  "py-xgboost-cpu": "xgboost",
  "py-xgboost-gpu": "xgboost",
  "tensorflow-base": "tensorflow",
  "tensorflow-cpu": "tensorflow",
  "tensorflow-gpu": "tensorflow",
  "llama-cpp-python": "llama-cpp-python",
  "huggingface_hub": "huggingface-hub",
  "py-lightgbm": "lightgbm",
};

/** The PyPI name of a conda package (conda-forge keeps most names; a few differ). */
export function pypiNameOfConda(name: string): string {
  const lower = name.trim().toLowerCase();
  return CONDA_TO_PYPI[lower] ?? normalizePypiName(lower);
}
