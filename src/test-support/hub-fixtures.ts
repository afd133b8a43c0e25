import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const REPO_ROOT = new URL("../../", import.meta.url).pathname;

/** Repos the hub stand-in serves in tests, built from the committed samples and fixtures. */
export const HUB_REPOS = {
  /** A safetensors model, a clean torch checkpoint, a config and a README: everything allowed. */
  clean: "acme/clean-model",
  /** A torch checkpoint whose data.pkl calls print (PKL001) and the demo os.system pickle. */
  evil: "acme/evil-model",
  /** Clean, but only with the token in `HUB_GATED_TOKEN`. */
  gated: "acme/gated-model",
} as const;

export const HUB_GATED_TOKEN = "hf_standin_gated_token";

const LAYOUT: Record<string, Record<string, string>> = {
  [HUB_REPOS.clean]: {
    "config.json": "inline:{\"model_type\": \"bert\", \"hidden_size\": 8}\n",
    "README.md": "inline:# clean model\n",
    "model.safetensors": "fixtures/safetensors/benign/torch_state_dict.safetensors",
    "pytorch_model.bin": "fixtures/torch/benign/state_dict.pt",
  },
  [HUB_REPOS.evil]: {
    "config.json": "inline:{\"model_type\": \"bert\"}\n",
    "pytorch_model.bin": "fixtures/torch/hostile/pkl001_zip_data_pkl_print.pt",
    "extra/model.pkl": "samples/suspicious_model.bin",
  },
  [HUB_REPOS.gated]: {
    "model.safetensors": "fixtures/safetensors/benign/torch_state_dict.safetensors",
  },
};

/**
 * A fresh folder of hub repos (`root/org/name/...`) for `startHubStandin`.
 *
 * @example
 * const hub = makeHubFolder();
 * const standin = await startHubStandin({ root: hub.root, gated: { [HUB_REPOS.gated]: HUB_GATED_TOKEN } });
 * hub.cleanup();
 */
export function makeHubFolder(): { root: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), "modelvet-hub-"));
  for (const [repo, files] of Object.entries(LAYOUT)) {
    for (const [path, from] of Object.entries(files)) {
      const target = join(root, repo, path);
      mkdirSync(dirname(target), { recursive: true });
      if (from.startsWith("inline:")) writeFileSync(target, from.slice("inline:".length));
      else copyFileSync(join(REPO_ROOT, from), target);
    }
  }
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
