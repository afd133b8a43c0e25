import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HUB_REPOS, makeHubFolder } from "../test-support/hub-fixtures.js";
import { startHubStandin, type HubStandin } from "../test-support/hub-standin.js";
import { buildGate } from "./app.js";
import { MemoryStore } from "./crawl-memory.js";
import { SqliteStore } from "./store.js";
import { createToken } from "./tokens.js";

const CHROMIUM = "/usr/bin/chromium";
const REPO_ROOT = new URL("../../", import.meta.url).pathname;
/** A file name that is HTML: the pages must show it as text, never run it. */
const HOSTILE_NAME = "x<img src=x onerror=window.pwned=1>.pkl";

if (!existsSync(CHROMIUM)) {
  console.warn(`Skipping the gate's browser tests: ${CHROMIUM} is missing (apt-get install -y chromium).`);
}

describe.skipIf(!existsSync(CHROMIUM))("gate pages in headless Chromium", () => {
  let hub: HubStandin;
  let folder: ReturnType<typeof makeHubFolder>;
  let work: string;
  let store: SqliteStore;
  let app: FastifyInstance;
  let gate: string;
  let browser: BrowserContext;

  beforeAll(async () => {
    folder = makeHubFolder();
    copyFileSync(join(REPO_ROOT, "samples/suspicious_model.bin"), join(folder.root, HUB_REPOS.evil, HOSTILE_NAME));
    hub = await startHubStandin({ root: folder.root });
    work = mkdtempSync(join(tmpdir(), "modelvet-ui-"));
    store = SqliteStore.open(join(work, "gate.db"));
    const admin = (await createToken(store, { name: "admin", scopes: ["pull", "admin"] })).token;
    app = await buildGate({ upstream: hub.url, store, toolVersion: "test" });
    gate = await app.listen({ port: 0, host: "127.0.0.1" });
    const headers = { Authorization: `Bearer ${admin}` };
    for (const path of [`${HUB_REPOS.evil}/resolve/main/pytorch_model.bin`, `${HUB_REPOS.clean}/resolve/main/model.safetensors`, `${HUB_REPOS.evil}/resolve/main/${encodeURIComponent(HOSTILE_NAME)}`]) {
      await (await fetch(`${gate}/${path}`, { headers })).arrayBuffer();
    }
    browser = await chromium.launchPersistentContext(join(work, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      extraHTTPHeaders: headers,
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await store?.close();
    await hub?.close();
    folder?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("lists recent decisions and shows why a pull was blocked, with findings and evidence", async () => {
    const page = await browser.newPage();
    await page.goto(`${gate}/ui`);
    expect(await page.title()).toBe("modelvet gate: recent decisions");
    const blocked = page.locator('tr[data-decision="block"]', { hasText: "pytorch_model.bin" });
    await expect(blocked.count()).resolves.toBe(1);
    await expect(page.locator('tr[data-decision="allow"]', { hasText: "model.safetensors" }).count()).resolves.toBe(1);
    await blocked.locator("a").click();
    await page.waitForURL(/\/ui\/decisions\/\d+$/);
    expect(await page.locator("#file").textContent()).toBe(`${HUB_REPOS.evil}/pytorch_model.bin`);
    expect(await page.locator("#reason").textContent()).toMatch(/^Blocked: verdict unsafe \(.*PKL001.*\)/);
    const rules = await page.locator("#findings tr.finding td:nth-child(2)").allTextContents();
    expect(rules).toContain("PKL001");
    expect((await page.locator("#findings pre").allTextContents()).join(" ")).toMatch(/print/);
    const shot = await page.screenshot({ fullPage: true });
    expect(shot.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeGreaterThan(0);
  });

  it("shows a hostile file name as text and never runs it", async () => {
    const page = await browser.newPage();
    await page.goto(`${gate}/ui`);
    const row = page.locator("tr", { hasText: HOSTILE_NAME });
    await expect(row.count()).resolves.toBe(1);
    await expect(page.locator("#decisions img").count()).resolves.toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await row.locator("a").click();
    expect(await page.locator("#file").textContent()).toBe(`${HUB_REPOS.evil}/${HOSTILE_NAME}`);
    await expect(page.locator("img").count()).resolves.toBe(0);
  });

  it("asks for an admin token", async () => {
    const response = await fetch(`${gate}/ui`);
    expect(response.status).toBe(401);
  });
});

describe.skipIf(!existsSync(CHROMIUM))("crawl results page in headless Chromium", () => {
  let work: string;
  let store: MemoryStore;
  let app: FastifyInstance;
  let gate: string;
  let browser: BrowserContext;
  const result = (repo: string, path: string, verdict: string, rules: string[], minute: number) =>
    store.recordFileResult({ repo, revision: "a".repeat(40), path, digest: `sha256:${minute}`, verdictKey: `k${minute}`, verdict, rules, scannedAt: `2026-01-01T00:${String(minute).padStart(2, "0")}:00.000Z`, crawlId: "c0ffee" });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "modelvet-ui-files-"));
    store = new MemoryStore();
    await result("acme/evil", "pytorch_model.bin", "unsafe", ["PKL001"], 1);
    await result("acme/evil", "config.json", "clean", [], 2);
    await result("acme/other", HOSTILE_NAME, "unsafe", ["PKL001", "PKL003"], 3);
    await result("globex/evil", "model.pkl", "unsafe", ["PKL001"], 4);
    const admin = (await createToken(store, { name: "admin", scopes: ["admin"] })).token;
    app = await buildGate({ upstream: "http://127.0.0.1:9", store, toolVersion: "test" });
    gate = await app.listen({ port: 0, host: "127.0.0.1" });
    browser = await chromium.launchPersistentContext(join(work, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      extraHTTPHeaders: { Authorization: `Bearer ${admin}` },
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("finds every file in an organisation with a rule through the form, then one repo's files by its link", async () => {
    const page = await browser.newPage();
    await page.goto(`${gate}/ui/files`);
    await page.fill('input[name="rule"]', "PKL001");
    await page.fill('input[name="org"]', "acme");
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/ui\/files\?.*rule=PKL001/);
    expect(await page.locator("#title").textContent()).toBe("Files with PKL001 in acme");
    expect((await page.locator("#files tr.file td.path").allTextContents()).sort()).toEqual([HOSTILE_NAME, "pytorch_model.bin"].sort());
    await expect(page.locator("#files img").count()).resolves.toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await page.locator("#files tr.file", { hasText: "pytorch_model.bin" }).locator("a.repo").click();
    await page.waitForURL(/repo=acme%2Fevil/);
    expect(await page.locator("#title").textContent()).toBe("Files in acme/evil");
    expect(await page.locator('#files tr.file[data-verdict="clean"] td.path').allTextContents()).toEqual(["config.json"]);
  });
});
