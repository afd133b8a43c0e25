import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The in-browser scanner page (docs/scanner/) in Debian's headless Chromium: files chosen on the
 * page are scanned in the tab, with the CLI's verdicts and rule ids, and no request leaves the
 * page's own origin.
 */
const CHROMIUM = "/usr/bin/chromium";
const ROOT = new URL("../../", import.meta.url).pathname;
const PAGE_DIR = join(ROOT, "docs/scanner");

if (!existsSync(CHROMIUM)) console.warn(`Skipping the scanner page test: ${CHROMIUM} is missing (apt-get install -y chromium).`);

describe.skipIf(!existsSync(CHROMIUM))("docs/scanner in headless Chromium", () => {
  let server: Server;
  let origin: string;
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    const built = spawnSync(process.execPath, [join(ROOT, "tools/build-scanner.mjs")], { encoding: "utf8" });
    if (built.status !== 0) throw new Error(`bundling the page failed: ${built.stderr}`);
    server = createServer((req, res) => {
      const name = (req.url ?? "/").split("?")[0] === "/" ? "index.html" : (req.url ?? "").slice(1).split("?")[0];
      if (!["index.html", "scanner.js"].includes(name as string)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "Content-Type": name === "index.html" ? "text/html; charset=utf-8" : "text/javascript" });
      res.end(readFileSync(join(PAGE_DIR, name as string)));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address() as { port: number };
    origin = `http://127.0.0.1:${address.port}`;
    profile = mkdtempSync(join(tmpdir(), "modelvet-page-"));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("scans a malicious and a clean file in the tab, with the CLI's verdicts and rule ids, and no request elsewhere", async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    await page.goto(`${origin}/`);
    await page.waitForSelector("body[data-state=ready]");
    await page.setInputFiles("#files", [join(ROOT, "samples/suspicious_model.bin"), join(ROOT, "samples/classifier.pkl")]);
    await page.waitForSelector("body[data-state=done]");
    const items = await page.$$eval("#verdicts li", (lis) => lis.map((li) => ({ verdict: li.getAttribute("data-verdict"), rules: li.getAttribute("data-rules"), text: li.textContent })));
    expect(items.map((i) => i.verdict)).toEqual(["unsafe", "clean"]);
    expect(items[0]?.rules?.split(" ")).toContain("PKL001");
    expect(await page.textContent("#report")).toContain("PKL001");
    expect(requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith("blob:"))).toEqual([]);
    await page.close();
  });
});
