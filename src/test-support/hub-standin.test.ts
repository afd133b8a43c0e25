import { downloadFile, listFiles, listModels, modelInfo } from "@huggingface/hub";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HUB_GATED_TOKEN, HUB_REPOS, makeHubFolder } from "./hub-fixtures.js";
import { startHubStandin, type HubStandin } from "./hub-standin.js";
import { EVIL_PATH, makeSyntheticHub } from "./synthetic-hub.js";

// The stand-in is what the gate's tests stand on, so its hub semantics are tested with the real client.
describe("hub stand-in", () => {
  let hub: HubStandin;
  let folder: ReturnType<typeof makeHubFolder>;
  beforeAll(async () => {
    folder = makeHubFolder();
    hub = await startHubStandin({ root: folder.root, gated: { [HUB_REPOS.gated]: HUB_GATED_TOKEN } });
  });
  afterAll(async () => {
    await hub.close();
    folder.cleanup();
  });

  it("lists a repo with lfs sha256 oids through @huggingface/hub", async () => {
    const files = [];
    for await (const f of listFiles({ repo: HUB_REPOS.clean, hubUrl: hub.url, recursive: true })) files.push(f);
    const st = files.find((f) => f.path === "model.safetensors");
    expect(st?.lfs?.oid).toBe(await hub.oidOf(HUB_REPOS.clean, "model.safetensors"));
    expect(files.find((f) => f.path === "config.json")?.lfs).toBeUndefined();
  });

  it("serves an LFS file by redirecting to the CDN origin, which refuses credentials", async () => {
    const blob = await downloadFile({ repo: HUB_REPOS.clean, path: "model.safetensors", hubUrl: hub.url });
    const expected = readFileSync(join(folder.root, HUB_REPOS.clean, "model.safetensors"));
    expect(new Uint8Array(await blob!.arrayBuffer())).toEqual(new Uint8Array(expected));
    const head = await fetch(`${hub.url}/${HUB_REPOS.clean}/resolve/main/model.safetensors`, { method: "HEAD", redirect: "manual" });
    expect(head.status).toBe(302);
    expect(head.headers.get("x-linked-etag")).toBe(`"${await hub.oidOf(HUB_REPOS.clean, "model.safetensors")}"`);
    expect(head.headers.get("x-linked-size")).toBe(String(expected.length));
    expect(head.headers.get("x-repo-commit")).toBe(await hub.commitOf(HUB_REPOS.clean));
    const withToken = await fetch(head.headers.get("location")!, { headers: { Authorization: "Bearer leaked" } });
    expect(withToken.status).toBe(400);
  });

  it("answers hub errors with X-Error-Code: unknown repo, revision, file; gated repo without the token", async () => {
    const codes = async (path: string, headers: Record<string, string> = {}) => {
      const r = await fetch(`${hub.url}${path}`, { headers, redirect: "manual" });
      return [r.status, r.headers.get("x-error-code")];
    };
    expect(await codes("/acme/nope/resolve/main/x.bin")).toEqual([404, "RepoNotFound"]);
    expect(await codes(`/${HUB_REPOS.clean}/resolve/v9/config.json`)).toEqual([404, "RevisionNotFound"]);
    expect(await codes(`/${HUB_REPOS.clean}/resolve/main/nope.json`)).toEqual([404, "EntryNotFound"]);
    expect(await codes(`/${HUB_REPOS.gated}/resolve/main/model.safetensors`)).toEqual([401, "GatedRepo"]);
    expect(await codes(`/${HUB_REPOS.gated}/resolve/main/model.safetensors`, { Authorization: `Bearer ${HUB_GATED_TOKEN}` })).toEqual([302, null]);
    hub.failNext(429, 1, /config\.json/);
    expect(await codes(`/${HUB_REPOS.clean}/resolve/main/config.json`)).toEqual([429, null]);
    expect(await codes(`/${HUB_REPOS.clean}/resolve/main/config.json`)).toEqual([200, null]);
  });

  it("answers model info by revision and honours Range on small files", async () => {
    const sha = await hub.commitOf(HUB_REPOS.clean);
    const info = (await (await fetch(`${hub.url}/api/models/${HUB_REPOS.clean}/revision/${sha}?blobs=true`)).json()) as { sha: string; siblings: { rfilename: string; lfs?: unknown }[] };
    expect(info.sha).toBe(sha);
    expect(info.siblings.map((s) => s.rfilename).sort()).toEqual(["README.md", "config.json", "model.safetensors", "pytorch_model.bin"]);
    const part = await fetch(`${hub.url}/${HUB_REPOS.clean}/resolve/${sha}/config.json`, { headers: { Range: "bytes=2-11" } });
    expect(part.status).toBe(206);
    expect(await part.text()).toBe("model_type");
  });
});

describe("hub stand-in: listings of a synthetic hub in memory", () => {
  const synthetic = makeSyntheticHub({ repos: 40, evilEvery: 5 });
  let hub: HubStandin;
  beforeAll(async () => {
    hub = await startHubStandin({ memory: synthetic.repos, maxModelsPage: 4 });
  });
  afterAll(async () => {
    await hub.close();
  });

  it("pages /api/models by author with Link rel=next, which listModels follows to the end", async () => {
    const names: string[] = [];
    for await (const m of listModels({ search: { owner: "acme" }, hubUrl: hub.url, additionalFields: ["sha"] })) {
      names.push(m.name);
      expect(m.sha).toBe(await hub.commitOf(m.name));
    }
    const acme = [...synthetic.repos.keys()].filter((r) => r.startsWith("acme/")).sort();
    expect(names).toEqual(acme);
    const pages = hub.requests.filter((r) => r.url.startsWith("/api/models?"));
    expect(pages).toHaveLength(Math.ceil(acme.length / 4));
    expect(pages.slice(1).every((p) => /[?&]cursor=/.test(p.url) && /[?&]author=acme/.test(p.url))).toBe(true);
    const first = await fetch(`${hub.url}/api/models?author=acme&limit=2`);
    expect(first.headers.get("link")).toMatch(new RegExp(`^<${hub.url}/api/models\\?author=acme&limit=2&cursor=[\\w-]+>; rel="next"$`));
  });

  it("lists the whole hub without an author, and the tree of an in-memory repo with LFS sha256 oids", async () => {
    let count = 0;
    for await (const m of listModels({ hubUrl: hub.url })) count += m.name.includes("/") ? 1 : 0;
    expect(count).toBe(40);
    const evil = [...synthetic.evil][0] as string;
    const files = [];
    for await (const f of listFiles({ repo: evil, hubUrl: hub.url, recursive: true, revision: (await modelInfo({ name: evil, hubUrl: hub.url, additionalFields: ["sha"] })).sha })) files.push(f);
    expect(files.map((f) => f.path).sort()).toEqual(["README.md", "config.json", "model.safetensors", EVIL_PATH].sort());
    const pickle = synthetic.repos.get(evil)?.get(EVIL_PATH) as Uint8Array;
    expect(files.find((f) => f.path === EVIL_PATH)?.lfs?.oid).toBe(createHash("sha256").update(pickle).digest("hex"));
    const blob = await downloadFile({ repo: evil, path: EVIL_PATH, hubUrl: hub.url });
    expect(new Uint8Array(await blob!.arrayBuffer())).toEqual(pickle);
  });
});
