/** How a PyTorch checkpoint is laid out on disk. */
export type TorchLayout = "zip" | "legacy" | "legacy-tar";

/** Format ids of torch documents, one per layout (the rules pick theirs). */
export type TorchFormat = "pytorch-zip" | "torchscript" | "pytorch-legacy-layout" | "pytorch-legacy-tar";

/** A persistent id in the storage layout, as torch's persistent_load reads it. */
export interface StorageRef {
  /** Member path of the pickle holding the id (empty for the main stream of a legacy file). */
  pickle: string;
  /** Offset of the BINPERSID/PERSID op in that pickle. */
  offset: number;
  key: string;
  /** `torch.FloatStorage`, `torch.UntypedStorage`, … */
  storageType: string;
  /** Bytes per element of the storage type; undefined for a type we do not know. */
  elementSize: number | undefined;
  location: string | undefined;
  /** Element count the id declares. */
  numel: number | undefined;
  /** Record (zip) the key resolves to. */
  record?: string;
}

/** A persistent id torch would not take for a storage reference. */
export interface OddPersistentId {
  pickle: string;
  offset: number;
  /** The id as rendered Python. */
  text: string;
  reason: string;
}

/** SETITEM/APPEND on a tensor or storage (the CVE-2026-24747 write primitive). */
export interface TensorMutation {
  pickle: string;
  offset: number;
  op: string;
  target: string;
}

export type StorageProblemCode =
  /** Record smaller than numel × element size: torch builds a storage larger than its buffer (PT001). */
  | "short"
  /** No record for a referenced key (PT002). */
  | "missing"
  /** Record larger than the storage needs: bytes torch never reads (PT002). */
  | "long"
  /** A storage record no persistent id references (PT002). */
  | "extra"
  /** One key declared with different types or sizes (PT002). */
  | "key-conflict";

export interface StorageProblem {
  code: StorageProblemCode;
  message: string;
  /** Member path the fact is about (record or pickle). */
  member?: string;
  offset?: number;
  evidence?: string;
}

/** Facts about the layout around the pickles (PT005, PT006). */
export type LayoutProblemCode =
  /** Legacy magic number or protocol version that is not a plain int literal (GHSA-97f8-7cmv-76j2). */
  | "magic-not-literal"
  | "magic-mismatch"
  | "protocol-not-literal"
  | "missing-pickles"
  | "keys-unreadable"
  | "storage-unknown-type"
  | "storage-truncated"
  | "count-mismatch"
  | "leftover"
  | "tar-member-missing"
  | "tar-member-link";

export interface LayoutProblem {
  code: LayoutProblemCode;
  message: string;
  member?: string;
  offset?: number;
  evidence?: string;
}

/** A line of TorchScript code (or a type comment in it) that matched a pattern. */
export interface CodeHit {
  path: string;
  line: number;
  /** What matched, in words ("torch.save: writes a file"). */
  what: string;
  text: string;
  /** Inside a `# type:` comment, which torch < 1.13.1 evaluated (CVE-2022-45907). */
  typeComment: boolean;
}

export interface TorchScriptFacts {
  /** `code/**.py` files (TorchScript source compiled on load). */
  codeFiles: { path: string; bytes: number }[];
  /** `__setstate__` methods: TorchScript runs them while unpickling (code that runs on load). */
  setstate: { path: string; line: number; cls: string }[];
  /** File-system, process and loader gadgets (PT008). */
  gadgets: CodeHit[];
  /** Operators and classes from custom namespaces: native code from whatever library is loaded (PT009). */
  customOps: CodeHit[];
  /** Code files not read (too large, undecodable, budget), so not checked. */
  unread: string[];
}

/** What torch would do with a checkpoint, beside the pickle documents the pickle rules read. */
export interface TorchDocument {
  format: TorchFormat;
  layout: TorchLayout;
  /** Zip archive name: the first central-directory entry up to its first `/`. */
  prefix?: string;
  /** Contents of the `version` / `.data/version` record. */
  version?: string;
  /** Member paths of the pickles torch loads. */
  pickles: string[];
  storages: StorageRef[];
  storageProblems: StorageProblem[];
  oddIds: OddPersistentId[];
  mutations: TensorMutation[];
  layoutProblems: LayoutProblem[];
  torchscript?: TorchScriptFacts;
}

export function emptyTorchDocument(format: TorchFormat, layout: TorchLayout): TorchDocument {
  return { format, layout, pickles: [], storages: [], storageProblems: [], oddIds: [], mutations: [], layoutProblems: [] };
}
