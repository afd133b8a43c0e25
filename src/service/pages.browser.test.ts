import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HUB_REPOS, makeHubFolder } from "../test-support/hub-fixtures.js";
import { startHubStandin, type HubStandin } from "../test-support/hub-standin.js";
import { buildGate } from "./app.js";
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
