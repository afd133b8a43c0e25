import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubStandin, type HubStandin } from "../test-support/hub-standin.js";
import { runCli } from "../test-support/run-cli.js";
import { makeSyntheticHub } from "../test-support/synthetic-hub.js";
import { openCrawlStore } from "../service/crawl-backends.js";
import { main } from "./main.js";

const synthetic = makeSyntheticHub({ repos: 12, evilEvery: 2 });
let hub: HubStandin;
let work: string;

beforeAll(async () => {
  hub = await startHubStandin({ memory: synthetic.repos, maxModelsPage: 2 });
  work = mkdtempSync(join(tmpdir(), "modelvet-crawl-cli-"));
});
afterAll(async () => {
  await hub.close();
  rmSync(work, { recursive: true, force: true });
});

describe("modelvet crawl", () => {
  it("crawls an organisation, judging in-process, and shows the crawl with --status", async () => {
    const run = await runCli(["crawl", "--org", "acme", "--upstream", hub.url, "--db", "memory:cli-org"]);
    expect(run.stderr).toMatch(/judged \d+ files in this process/);
    expect(run.code).toBe(0);
    const id = /^crawl ([0-9a-f]+)$/m.exec(run.stdout)?.[1] as string;
    expect(run.stdout).toMatch(/status: +done/);
    expect(run.stdout).toMatch(/repos listed: 3/);
    const status = await runCli(["crawl", "--status", id, "--db", "memory:cli-org", "--json"]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ id, target: "org:acme", status: "done", reposListed: 3, cursor: "" });
    const store = await openCrawlStore("memory:cli-org");
    const evil = [...synthetic.evil].filter((r) => r.startsWith("acme/"));
    expect((await store.filesByRule("PKL001", { org: "acme", limit: 100 })).map((f) => f.repo).sort()).toEqual(evil.sort());
  });

  it("keeps its results in the gate's SQLite file, queryable by rule and organisation", async () => {
    const db = join(work, "gate.db");
    const first = await runCli(["crawl", "--org", "acme", "--upstream", hub.url, "--db", db, "--json"]);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ target: "org:acme", status: "done", reposListed: 3 });
    const store = await openCrawlStore(db);
    try {
      const evil = [...synthetic.evil].filter((r) => r.startsWith("acme/"));
      expect((await store.filesByRule("PKL001", { org: "acme", limit: 100 })).map((f) => f.repo).sort()).toEqual(evil.sort());
      expect(await store.filesByRule("PKL001", { org: "globex", limit: 100 })).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("reads repo ids from a file", async () => {
    const file = join(work, "repos.txt");
    writeFileSync(file, "# two repos\nglobex/model-0001\n\nglobex/model-0005 # and a comment\n");
    const run = await runCli(["crawl", "--repos-file", file, "--upstream", hub.url, "--db", "memory:cli-file", "--json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ target: "repos:globex/model-0001,globex/model-0005", status: "done", reposListed: 2 });
  });

  it("draws a progress line on stderr when it is a terminal, and clears it", async () => {
    let stderr = "";
    let stdout = "";
    const code = await main(["node", "modelvet", "crawl", "--org", "initech", "--upstream", hub.url, "--db", "memory:cli-tty"], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      isTTY: { stdout: false, stderr: true },
    });
    expect(code).toBe(0);
    const clear = "\r\u001b[2K";
    expect(stderr.startsWith(`${clear}crawl `)).toBe(true);
    expect(stderr).toMatch(/crawl [0-9a-f]+ listing: \d+ repos, \d+ files queued/);
    expect(stderr).toContain(`${clear}modelvet: judged`);
    expect(stdout).not.toContain("\u001b");
  });

  it("refuses what it cannot do, with a usage error", async () => {
    const cases: [string[], RegExp][] = [
      [["crawl", "--db", "memory:x"], /give one of --org/],
      [["crawl", "--org", "a", "--hub", "--db", "memory:x"], /only one of/],
      [["crawl", "--repos", "a/../b", "--db", "memory:x"], /Invalid repo id/i],
      [["crawl", "--org", "a", "--queue", "http://127.0.0.1:1", "--db", "memory:x"], /give a redis:\/\/ or rediss:\/\/ URL/],
      [["crawl", "--org", "a", "--db", "postgres://u:secret@127.0.0.1:1/db"], /--db "postgres:\/\/u:\*\*\*@127.0.0.1:1\/db": /],
      [["crawl", "--status", "abc", "--db", "memory:x"], /no crawl "abc"/],
      [["crawl", "--resume", "abc", "--db", "memory:x", "--upstream", "http://127.0.0.1:1"], /No crawl "abc"/i],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args);
      expect([args.join(" "), run.code]).toEqual([args.join(" "), 2]);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toContain("secret");
    }
  });
});
