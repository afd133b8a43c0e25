import { PickleBuilder } from "./pickle-builder.js";

export interface SyntheticHubOptions {
  /** How many repos in all (default 1000). */
  repos?: number;
  /** Organisations the repos are spread over, round robin (default acme, globex, initech, umbrella). */
  orgs?: readonly string[];
  /** Every n-th repo (n > 0) carries a malicious pickle (default 50). */
  evilEvery?: number;
}

export interface SyntheticHub {
  /** repo id → path → bytes, for `startHubStandin({ memory })`. */
  repos: Map<string, Map<string, Uint8Array>>;
  /** Repo ids whose `pytorch_model.bin` is a pickle that calls os.system (PKL001). */
  evil: Set<string>;
  /** Files in all repos. */
  files: number;
}

/** The malicious file's path in an evil repo. */
export const EVIL_PATH = "pytorch_model.bin";

const encoder = new TextEncoder();

/**
 * A hub of many small repos built in memory (nothing on disk): each has a config, a README
 * (the same bytes everywhere, as on the hub), and a safetensors file with its own digest; every
 * `evilEvery`-th repo adds a legacy torch `pytorch_model.bin` that is a pickle calling
 * `os.system`. Deterministic: the same options give the same bytes.
 *
 * @example
 * const hub = makeSyntheticHub({ repos: 1000 });
 * const standin = await startHubStandin({ memory: hub.repos, maxModelsPage: 100 });
 */
export function makeSyntheticHub(options: SyntheticHubOptions = {}): SyntheticHub {
  const count = options.repos ?? 1000;
  const orgs = options.orgs ?? ["acme", "globex", "initech", "umbrella"];
  const evilEvery = options.evilEvery ?? 50;
  const readme = encoder.encode("---\nlicense: apache-2.0\n---\n# A model\n");
  const repos = new Map<string, Map<string, Uint8Array>>();
  const evil = new Set<string>();
  let files = 0;
  for (let i = 0; i < count; i++) {
    const org = orgs[i % orgs.length] as string;
    const repo = `${org}/model-${String(i).padStart(4, "0")}`;
    const content = new Map<string, Uint8Array>();
    content.set("README.md", readme);
    content.set("config.json", encoder.encode(`${JSON.stringify({ model_type: "bert", hidden_size: 8, name: repo })}\n`));
    content.set("model.safetensors", smallSafetensors(repo));
    if (evilEvery > 0 && i % evilEvery === evilEvery - 1) {
      content.set(EVIL_PATH, new PickleBuilder().proto(2).global("os", "system").unicode(`echo ${repo}`).tuple1().reduce().stop().toBytes());
      evil.add(repo);
    }
    files += content.size;
    repos.set(repo, content);
  }
  return { repos, evil, files };
}

/**
 * A 2x2 F32 safetensors file whose metadata names the repo (so each has its own digest), laid out
 * as `safetensors.torch.save_file` does. Written here rather than with the safetensors builder so
 * that the benchmark can load this module without the scanner's sources.
 */
function smallSafetensors(repo: string): Uint8Array {
  let header = encoder.encode(JSON.stringify({ __metadata__: { format: "pt", repo }, w: { dtype: "F32", shape: [2, 2], data_offsets: [0, 16] } }));
  if (header.length % 8 !== 0) {
    const padded = new Uint8Array(header.length + (8 - (header.length % 8))).fill(0x20);
    padded.set(header);
    header = padded;
  }
  const out = new Uint8Array(8 + header.length + 16);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  return out;
}
