#!/usr/bin/env node
// npm run demo: scans the bundled sample models (one of them malicious) with the built CLI.
// The scan exits 1 because the samples hold a malicious model; that is the expected result.
import { spawnSync } from "node:child_process";

const bin = new URL("../dist/cli/bin.js", import.meta.url).pathname;
const samples = new URL("../samples", import.meta.url).pathname;
console.log("$ modelvet scan samples/\n");
const run = spawnSync(process.execPath, [bin, "scan", "samples"], { cwd: new URL("..", import.meta.url).pathname, stdio: "inherit" });
console.log(
  run.status === 1
    ? "\nExit code 1: the gate failed, as it should: samples/ holds a malicious model. A clean folder exits 0."
    : `\nUnexpected exit code ${run.status} (expected 1 for the malicious sample in ${samples}).`,
);
process.exit(run.status === 1 ? 0 : 1);
