import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { listen, sendBody, type Body, type TestServer } from "./http-files.js";

/**
 * A local stand-in for the Hugging Face hub, close enough that the real clients
 * (`@huggingface/hub`, `huggingface_hub`, curl) work against it:
 *
 * - `GET /api/models/{org}/{name}[/revision/{rev}]`: model info with `sha` and `siblings`
 *   (`?blobs=true` adds size and `lfs`).
 * - `GET /api/models/{org}/{name}/tree/{rev}[/{path}][?recursive=true]`: entries with `oid`, `size`
 *   and `lfs.oid` (the sha256) for LFS files.
 * - `GET|HEAD /{org}/{name}/resolve/{rev}/{path}`: small files answer in place with `ETag` (the git
 *   blob id) and `X-Repo-Commit`; LFS files answer 302 to a second "CDN" origin with
 *   `X-Linked-Etag` (the sha256) and `X-Linked-Size`, like the real hub. Both origins honour Range.
 * - Errors as the hub sends them: 404 with `X-Error-Code` RepoNotFound / RevisionNotFound /
 *   EntryNotFound, 401 GatedRepo for a token-gated repo, and injectable failures (e.g. 429).
 *
 * - `GET /api/models[?author=…][&search=…][&limit=…][&expand=sha]`: the model listing, sorted by id,
 *   paginated like the hub: at most `limit` (capped at `maxModelsPage`) per page and a
 *   `Link: <…&cursor=…>; rel="next"` header while more remain.
 *
 * Repos are folders `root/{org}/{name}/…` and/or in-memory repos (`memory`, e.g. a synthetic hub
 * of 1,000 repos from `makeSyntheticHub`). The revision is `main`, `HEAD` or the commit sha
 * (a hash of the repo's listing, so changing a file changes the commit).
 *
 * @example
 * const hub = await startHubStandin({ root: "fixtures/hub" });
 * await fetch(`${hub.url}/api/models/acme/clean`);
 * await hub.close();
 */
export interface HubStandinOptions {
  /** Folder of repos `root/{org}/{name}/…`. */
  root?: string;
  /** In-memory repos: repo id → path → bytes (no files on disk). */
  memory?: ReadonlyMap<string, ReadonlyMap<string, Uint8Array>>;
  /** Called for every hub request; when it returns a promise, the request waits for it (a slow repo, without timers). */
  hold?: (url: string) => Promise<void> | undefined;
  /** Largest page of `/api/models` whatever `limit` asks (default 1000, the hub's own cap). */
  maxModelsPage?: number;
  /** repo id → the bearer token that unlocks it; requests without it get 401. */
  gated?: Record<string, string>;
  /** Which files live in LFS (redirected to the CDN). Default: model extensions, or 10 MiB and up. */
  isLfs?: (path: string, size: number) => boolean;
  /** Files outside LFS whose bodies are sent without a Content-Length (chunked). Default: none. */
  withoutLength?: (path: string) => boolean;
  /** The sha256 of an LFS file, for bench files too large to hash; default: hashed (and cached). */
  lfsOid?: (repo: string, path: string) => string | undefined;
}

export interface HubRequest {
  origin: "hub" | "cdn";
  method: string;
  url: string;
  authorization: string | undefined;
  range: string | undefined;
}

export interface HubStandin {
  url: string;
  cdnUrl: string;
  /** Every request both origins saw, in order. */
  requests: HubRequest[];
  /** Body bytes each origin has sent (file bytes, not JSON). */
  bytesServed: { hub: number; cdn: number };
  /** Responses each origin had begun to send when their connection closed: a reader that went away. */
  cut: { hub: number; cdn: number };
  /** The next `count` requests whose URL matches answer `status` instead (e.g. 429 with Retry-After: 0). */
  failNext(status: number, count: number, match?: RegExp): void;
  /** The commit sha the stand-in reports for `repo` now. */
  commitOf(repo: string): Promise<string>;
  /** The LFS sha256 (or git blob id) the stand-in reports for a file. */
  oidOf(repo: string, path: string): Promise<string>;
  close(): Promise<void>;
}

const LFS_EXTENSIONS = /\.(safetensors|bin|pt|pth|pkl|pickle|ckpt|h5|hdf5|keras|onnx|gguf|npy|npz|joblib|msgpack|zip|tar|gz|tgz|xz|bz2|7z|zst|tflite|pb|model|dill|mar|nemo|mojo)$/i;
const LFS_MIN_BYTES = 10 * 1024 * 1024;
/** Keep-alive of the stand-in's connections (the hub's own is longer still). */
const HUB_KEEP_ALIVE_MS = 5_000;

interface RepoFile {
  path: string;
  /** Unique key: the file's absolute path, or `memory:{repo}/{path}`. */
  absolute: string;
  size: number;
  mtimeMs: number;
  bytes?: Uint8Array;
}

/** The body `sendBody` serves for a repo file. */
function bodyOf(file: RepoFile): Body {
  return file.bytes ? { bytes: file.bytes } : { path: file.absolute, size: file.size };
}

interface Failure {
  status: number;
  remaining: number;
  match: RegExp | undefined;
}

export async function startHubStandin(options: HubStandinOptions): Promise<HubStandin> {
  const requests: HubRequest[] = [];
  const bytesServed = { hub: 0, cdn: 0 };
  const cut = { hub: 0, cdn: 0 };
  const failures: Failure[] = [];
  const oids = new Map<string, { key: string; oid: string }>();
  /** sha256 → file, so the CDN can serve what the hub redirected to. */
  const blobs = new Map<string, RepoFile>();
  const isLfs = options.isLfs ?? ((path, size) => LFS_EXTENSIONS.test(path) || size >= LFS_MIN_BYTES);

  const record = (origin: HubRequest["origin"], req: IncomingMessage, res: ServerResponse): boolean => {
    requests.push({ origin, method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization, range: req.headers.range });
    // 'finish' is the last byte handed to the OS; `writableFinished` cannot tell this at 'close',
    // where the socket is already detached.
    let finished = false;
    res.on("finish", () => {
      finished = true;
      if (res.statusCode === 200 || res.statusCode === 206) {
        const length = Number(res.getHeader("content-length") ?? 0);
        if (req.method === "GET" && res.getHeader("content-type") !== "application/json") bytesServed[origin] += length;
      }
    });
    res.on("close", () => {
      if (res.headersSent && !finished) cut[origin] += 1;
    });
    const failure = failures.find((f) => f.remaining > 0 && (f.match === undefined || f.match.test(req.url ?? "")));
    if (!failure) return false;
    failure.remaining -= 1;
    res.writeHead(failure.status, { "Retry-After": "0", "Content-Type": "application/json" }).end(JSON.stringify({ error: `Injected ${failure.status}` }));
    return true;
  };

  const listRepo = async (repo: string): Promise<RepoFile[] | undefined> => {
    const inMemory = options.memory?.get(repo);
    if (inMemory) {
      return [...inMemory].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, bytes]) => ({ path, absolute: `memory:${repo}/${path}`, size: bytes.length, mtimeMs: 0, bytes }));
    }
    if (options.root === undefined) return undefined;
    const dir = join(options.root, ...repo.split("/"));
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) return undefined;
    const files: RepoFile[] = [];
    const walk = async (folder: string, prefix: string): Promise<void> => {
      for (const entry of (await readdir(folder, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const absolute = join(folder, entry.name);
        const path = prefix ? `${prefix}/${entry.name}` : entry.name;
        if (entry.isDirectory()) await walk(absolute, path);
        else if (entry.isFile()) {
          const s = await stat(absolute);
          files.push({ path, absolute, size: s.size, mtimeMs: s.mtimeMs });
        }
      }
    };
    await walk(dir, "");
    return files;
  };

  const commitOf = async (repo: string, files?: RepoFile[]): Promise<string> => {
    const listing = files ?? (await listRepo(repo)) ?? [];
    const hash = createHash("sha1").update(repo);
    for (const f of listing) hash.update(`\n${f.path}\0${f.size}\0${f.mtimeMs}`).update(f.bytes ?? new Uint8Array(0));
    return hash.digest("hex");
  };

  const oidOf = async (repo: string, file: RepoFile): Promise<{ oid: string; lfs: boolean }> => {
    const lfs = isLfs(file.path, file.size);
    const key = `${file.size}:${file.mtimeMs}`;
    const cached = oids.get(file.absolute);
    if (cached?.key === key) return { oid: cached.oid, lfs };
    let oid: string | undefined;
    if (lfs) {
      oid = options.lfsOid?.(repo, file.path);
      if (oid === undefined) {
        const hash = createHash("sha256");
        if (file.bytes) hash.update(file.bytes);
        else for await (const chunk of createReadStream(file.absolute)) hash.update(chunk as Buffer);
        oid = hash.digest("hex");
      }
    } else {
      // The git blob id, as the hub reports for files kept in git itself.
      oid = createHash("sha1").update(`blob ${file.size}\0`).update(file.bytes ?? readFileSync(file.absolute)).digest("hex");
    }
    oids.set(file.absolute, { key, oid });
    if (lfs) blobs.set(oid, file);
    return { oid, lfs };
  };

  const hubHandler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (record("hub", req, res)) return;
    await options.hold?.(req.url ?? "");
    const url = new URL(req.url ?? "/", "http://hub.invalid");
    const segments = url.pathname.split("/").slice(1);
    let parts: string[];
    try {
      parts = segments.map((s) => decodeURIComponent(s));
    } catch {
      return error(res, 400, "BadRequest", "Malformed percent-encoding in the path");
    }
    if (parts.some((p) => p === ".." || p === "." || p.includes("\0") || p.includes("\\"))) return error(res, 400, "BadRequest", "Invalid path");
    if (parts[0] === "api" && parts[1] === "models" && parts.length === 2) return listModels(res, url);
    if (parts[0] === "api" && parts[1] === "models" && parts.length >= 4) {
      const repo = `${parts[2]}/${parts[3]}`;
      const rest = parts.slice(4);
      if (rest.length === 0) return modelInfo(req, res, repo, "main", url);
      if (rest[0] === "revision" && rest.length === 2) return modelInfo(req, res, repo, rest[1] as string, url);
      if (rest[0] === "tree" && rest.length >= 2) return tree(req, res, repo, rest[1] as string, rest.slice(2).join("/"), url.searchParams.get("recursive") === "true");
      return error(res, 404, "EntryNotFound", "Unknown API route");
    }
    if (parts.length >= 5 && parts[2] === "resolve") {
      return resolve(req, res, `${parts[0]}/${parts[1]}`, parts[3] as string, parts.slice(4).join("/"));
    }
    return error(res, 404, "EntryNotFound", "Not found");
  };

  /** The repo's files at `rev`, or the error response already sent. */
  const open = async (req: IncomingMessage, res: ServerResponse, repo: string, rev: string): Promise<{ files: RepoFile[]; sha: string } | undefined> => {
    const token = options.gated?.[repo];
    if (token !== undefined && req.headers.authorization !== `Bearer ${token}`) {
      error(res, 401, "GatedRepo", `Access to model ${repo} is restricted. You must have access to it and be authenticated to access it. Please log in.`);
      return undefined;
    }
    const files = await listRepo(repo);
    if (!files) {
      error(res, 404, "RepoNotFound", `Repository Not Found for url: ${req.url ?? ""}.`);
      return undefined;
    }
    const sha = await commitOf(repo, files);
    if (rev !== "main" && rev !== "HEAD" && rev !== sha) {
      error(res, 404, "RevisionNotFound", `Invalid rev id: ${rev}`);
      return undefined;
    }
    return { files, sha };
  };

  const modelInfo = async (req: IncomingMessage, res: ServerResponse, repo: string, rev: string, url: URL): Promise<void> => {
    const opened = await open(req, res, repo, rev);
    if (!opened) return;
    const blobsWanted = url.searchParams.get("blobs") === "true";
    const siblings = [];
    for (const f of opened.files) {
      if (!blobsWanted) siblings.push({ rfilename: f.path });
      else {
        const { oid, lfs } = await oidOf(repo, f);
        siblings.push({ rfilename: f.path, size: f.size, blobId: oid, ...(lfs ? { lfs: { sha256: oid, size: f.size, pointerSize: 134 } } : {}) });
      }
    }
    json(res, 200, {
      _id: opened.sha.slice(0, 24),
      id: repo,
      modelId: repo,
      sha: opened.sha,
      private: false,
      gated: options.gated?.[repo] !== undefined ? "manual" : false,
      disabled: false,
      lastModified: new Date(Math.max(0, ...opened.files.map((f) => f.mtimeMs))).toISOString(),
      tags: [],
      siblings,
    });
  };

  const tree = async (req: IncomingMessage, res: ServerResponse, repo: string, rev: string, path: string, recursive: boolean): Promise<void> => {
    const opened = await open(req, res, repo, rev);
    if (!opened) return;
    const prefix = path === "" ? "" : `${path}/`;
    const entries: unknown[] = [];
    const dirs = new Set<string>();
    for (const f of opened.files) {
      if (!f.path.startsWith(prefix)) continue;
      const rest = f.path.slice(prefix.length);
      const slash = rest.indexOf("/");
      if (slash >= 0 && !recursive) {
        dirs.add(prefix + rest.slice(0, slash));
        continue;
      }
      if (recursive) for (let i = rest.indexOf("/"); i >= 0; i = rest.indexOf("/", i + 1)) dirs.add(prefix + rest.slice(0, i));
      const { oid, lfs } = await oidOf(repo, f);
      entries.push({ type: "file", oid: lfs ? createHash("sha1").update(oid).digest("hex") : oid, size: f.size, path: f.path, ...(lfs ? { lfs: { oid, size: f.size, pointerSize: 134 } } : {}) });
    }
    if (entries.length === 0 && dirs.size === 0 && path !== "") return error(res, 404, "EntryNotFound", `${path} does not exist on "${rev}"`);
    const directories = [...dirs].sort().map((d) => ({ type: "directory", oid: createHash("sha1").update(d).digest("hex"), size: 0, path: d }));
    json(res, 200, [...directories, ...entries]);
  };

  /** Every repo id, sorted: the in-memory ones and the folder's `org/name` pairs. */
  const allRepoIds = async (): Promise<string[]> => {
    const ids = new Set(options.memory?.keys() ?? []);
    if (options.root !== undefined) {
      for (const org of await readdir(options.root, { withFileTypes: true }).catch(() => [])) {
        if (!org.isDirectory()) continue;
        for (const name of await readdir(join(options.root, org.name), { withFileTypes: true })) if (name.isDirectory()) ids.add(`${org.name}/${name.name}`);
      }
    }
    return [...ids].sort();
  };

  const listModels = async (res: ServerResponse, url: URL): Promise<void> => {
    const author = url.searchParams.get("author");
    const search = url.searchParams.get("search");
    const maxPage = options.maxModelsPage ?? 1000;
    const asked = Number(url.searchParams.get("limit") ?? maxPage);
    if (!Number.isInteger(asked) || asked < 1) return error(res, 400, "BadRequest", `Invalid limit ${url.searchParams.get("limit")}`);
    const limit = Math.min(asked, maxPage);
    const cursor = url.searchParams.get("cursor");
    const after = cursor === null ? undefined : Buffer.from(cursor, "base64url").toString("utf8");
    const expand = new Set(url.searchParams.getAll("expand"));
    const matching = (await allRepoIds()).filter((id) => (author === null || id.startsWith(`${author}/`)) && (search === null || id.includes(search)) && (after === undefined || id > after));
    const page = matching.slice(0, limit);
    const items = [];
    for (const id of page) {
      const files = (await listRepo(id)) ?? [];
      const sha = await commitOf(id, files);
      items.push({
        _id: sha.slice(0, 24),
        id,
        private: false,
        gated: options.gated?.[id] !== undefined ? "manual" : false,
        downloads: 0,
        likes: 0,
        lastModified: new Date(Math.max(0, ...files.map((f) => f.mtimeMs))).toISOString(),
        ...(expand.has("sha") ? { sha } : {}),
        ...(expand.has("author") ? { author: id.split("/")[0] } : {}),
      });
    }
    if (matching.length > limit) {
      const next = new URL(url.pathname + url.search, hubUrl);
      next.searchParams.set("cursor", Buffer.from(page[page.length - 1] as string, "utf8").toString("base64url"));
      res.setHeader("Link", `<${next.href}>; rel="next"`);
    }
    json(res, 200, items);
  };

  let cdnUrl = "";
  let hubUrl = "";
  const resolve = async (req: IncomingMessage, res: ServerResponse, repo: string, rev: string, path: string): Promise<void> => {
    if (req.method !== "GET" && req.method !== "HEAD") return error(res, 405, "MethodNotAllowed", "Method not allowed");
    const opened = await open(req, res, repo, rev);
    if (!opened) return;
    const file = opened.files.find((f) => f.path === path);
    if (!file) return error(res, 404, "EntryNotFound", `${path} does not exist on "${rev}"`, { "X-Repo-Commit": opened.sha });
    const { oid, lfs } = await oidOf(repo, file);
    const common = { "X-Repo-Commit": opened.sha, "Access-Control-Expose-Headers": "X-Repo-Commit,X-Linked-Etag,X-Linked-Size,ETag,Content-Range" };
    if (lfs) {
      res.writeHead(302, {
        ...common,
        Location: `${cdnUrl}/blobs/${oid}?X-Amz-Signature=standin&name=${encodeURIComponent(path)}`,
        ETag: `"${oid}"`,
        "X-Linked-Etag": `"${oid}"`,
        "X-Linked-Size": String(file.size),
        "Content-Length": "0",
      });
      res.end();
      return;
    }
    sendBody(req, res, bodyOf(file), { ...common, ETag: `"${oid}"`, "Content-Type": "application/octet-stream" }, { length: options.withoutLength?.(path) !== true });
  };

  const cdnHandler = (req: IncomingMessage, res: ServerResponse): void => {
    if (record("cdn", req, res)) return;
    const url = new URL(req.url ?? "/", "http://cdn.invalid");
    // A presigned S3 URL refuses a second auth mechanism; a leaked hub token shows up as a 400 here.
    if (req.headers.authorization !== undefined) return error(res, 400, "InvalidArgument", "Only one auth mechanism allowed");
    const match = /^\/blobs\/([0-9a-f]{64})$/.exec(url.pathname);
    const file = match ? blobs.get(match[1] as string) : undefined;
    if (!match || !file || url.searchParams.get("X-Amz-Signature") !== "standin") return error(res, 403, "AccessDenied", "Access Denied");
    sendBody(req, res, bodyOf(file), { ETag: `"${match[1]}"`, "Content-Type": "application/octet-stream" });
  };

  const guard = (handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void) => (req: IncomingMessage, res: ServerResponse) => {
    Promise.resolve(handler(req, res)).catch((e: unknown) => {
      if (!res.headersSent) error(res, 500, "InternalError", (e as Error).message);
      else res.destroy();
    });
  };
  const hub: TestServer = await listen(guard(hubHandler));
  const cdn: TestServer = await listen(guard(cdnHandler));
  cdnUrl = cdn.url;
  hubUrl = hub.url;
  // Like the hub, keep connections open for a while: undici reuses a connection only when the
  // server's keep-alive hint exceeds its own 1 s margin, so 1 s would mean a new connection per request.
  hub.server.keepAliveTimeout = HUB_KEEP_ALIVE_MS;
  cdn.server.keepAliveTimeout = HUB_KEEP_ALIVE_MS;

  return {
    url: hub.url,
    cdnUrl: cdn.url,
    requests,
    bytesServed,
    cut,
    failNext: (status, count, match) => void failures.push({ status, remaining: count, match }),
    commitOf: (repo) => commitOf(repo),
    oidOf: async (repo, path) => {
      const file = (await listRepo(repo))?.find((f) => f.path === path);
      if (!file) throw new Error(`No ${path} in ${repo}`);
      return (await oidOf(repo, file)).oid;
    },
    close: async () => {
      await Promise.all([hub.close(), cdn.close()]);
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(text)) }).end(text);
}

/** The hub's error shape: JSON `{error}` plus `X-Error-Code` / `X-Error-Message` headers. */
function error(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  res.setHeader("X-Error-Code", code);
  // Header values must be visible ASCII; file names in messages need not be.
  res.setHeader("X-Error-Message", message.replace(/[^\x20-\x7e]/g, "?"));
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  json(res, status, { error: message });
}
