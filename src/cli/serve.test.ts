import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../service/store.js";
import { hashToken } from "../service/tokens.js";
import { DEFAULT_GATE_LIMITS, GATE_LIMIT_NAMES } from "../service/vet.js";
import { main } from "./main.js";

const dir = mkdtempSync(join(tmpdir(), "modelvet-serve-cli-"));
const db = join(dir, "gate.db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "modelvet", ...args], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, isTTY: { stdout: false, stderr: false }, env: {} });
  return { code, stdout, stderr };
}

describe("modelvet serve token", () => {
  it("creates a token shown once and stored only as a hash, lists it and revokes it", async () => {
    const created = await run(["serve", "token", "create", "--scope", "pull,scan", "--name", "ci", "--db", db]);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^hf_mvg_[0-9a-f]{12}_[\w-]{32}$/);
    const store = SqliteStore.open(db);
    const record = await store.tokenByHash(hashToken(token));
    expect(record?.scopes).toEqual(["pull", "scan"]);
    expect(JSON.stringify(await store.listTokens())).not.toContain(token);
    await store.close();
    const listed = await run(["serve", "token", "list", "--db", db]);
    expect(listed.stdout).toMatch(new RegExp(`^${record?.id}\\tci\\tpull,scan\\tactive$`, "m"));
    expect((await run(["serve", "token", "revoke", record?.id ?? "", "--db", db])).code).toBe(0);
    expect((await run(["serve", "token", "list", "--db", db])).stdout).toMatch(/\trevoked /);
  });

  it("refuses unknown scopes and bad flags as usage errors", async () => {
    const bad = await run(["serve", "token", "create", "--scope", "pull,root", "--db", db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown scope "root"/);
    const port = await run(["serve", "--port", "99999", "--db", db]);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--port must be 0-65535/);
  });

  it("refuses --limit values that are unknown, not whole numbers, given twice or contradict each other, before opening the store", async () => {
    const never = join(dir, "never", "gate.db");
    const cases: [string[], RegExp][] = [
      [["--limit", "maxScans=4"], /--limit: no gate limit is named "maxScans"; the names are maxInlineFileBytes, .*maxScanRequestsPerCaller/],
      [["--limit", "maxScanRequests=4.5"], /--limit takes NAME=VALUE with a whole number, got "maxScanRequests=4.5"/],
      [["--limit", "maxScanRequests"], /--limit takes NAME=VALUE/],
      [["--limit", "maxScanRequests=0"], /the gate limit maxScanRequests must be a whole number of at least 1, got 0/],
      [["--limit", "maxScanRequests=99999999999999999999"], /the gate limit maxScanRequests must be a whole number of at least 1/],
      [["--limit", "maxScanRequests=4", "--limit", "maxScanRequests=5"], /--limit maxScanRequests is given twice/],
      [["--limit", "requestHeadMillis=120000", "--limit", "requestMillis=60000"], /requestHeadMillis \(120000\) must not be longer than requestMillis \(60000\)/],
      [["--limit", "maxInlineBytesInFlight=1000"], /maxInlineFileBytes \(67108864\) must not be larger than maxInlineBytesInFlight \(1000\)/],
      [["--rate", "10", "--limit", "ratePerMinute=20"], /--rate and --limit ratePerMinute set the same limit/],
    ];
    for (const [args, message] of cases) {
      const refused = await run(["serve", ...args, "--db", never]);
      expect(refused.code, args.join(" ")).toBe(2);
      expect(refused.stderr).toMatch(message);
    }
    // Refused before the store: its folder was never made.
    expect(existsSync(join(dir, "never"))).toBe(false);
  });

  it("documents every gate limit with its default in docs/serve.md's Limits table", () => {
    const doc = readFileSync(new URL("../../docs/serve.md", import.meta.url), "utf8");
    for (const name of GATE_LIMIT_NAMES) expect(doc).toContain(`| \`${name}\` | ${DEFAULT_GATE_LIMITS[name]} `);
  });

  it("says which store it cannot open, without the password, as a usage error rather than a crash", async () => {
    const down = await run(["serve", "token", "list", "--db", "postgres://modelvet:hunter2@127.0.0.1:1/modelvet"]);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/cannot open the store "postgres:\/\/modelvet:\*\*\*@127\.0\.0\.1:1\/modelvet": The Postgres store is unavailable/);
    expect(down.stderr).not.toContain("hunter2");
    const missing = await run(["serve", "token", "list", "--db", join(dir, "no-such-folder", "gate.db")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot open the store .*no-such-folder/);
  });
});
