/**
 * TensorFlow op names that reach outside the tensor math when a graph runs: the file system,
 * Python, the network. SavedModel graphs and functions run at load (restore, initialisers,
 * `tf.data` pipelines) or on the first call, so listing these ops is the static check
 * (JFrog TFLOW-MALOPS; ModelScan's defaults are only ReadFile and WriteFile).
 */
export type TfOpCategory =
  /** Reads files named by a tensor (host file disclosure). */
  | "file-read"
  /** Creates or overwrites files (persistence, planting code, rewriting the model's own checkpoint). */
  | "file-write"
  /** Calls back into Python registered by the host process. */
  | "python"
  /** Memory-maps a file named in an attribute. */
  | "memory-map"
  /** Talks to another host. */
  | "network"
  /** Saves or restores checkpoints and reads asset tables: every SavedModel has some, so these are reported low. */
  | "checkpoint"
  /** Runs a serialized graph carried as data (ModelScan 0.8.8 nested-graph bypass). */
  | "nested-graph";

export interface TfOpClass {
  category: TfOpCategory;
  /** What the op does, for messages. */
  does: string;
}

const TABLE: Record<string, TfOpClass> = {};
function add(category: TfOpCategory, does: string, names: string[]): void {
  for (const name of names) TABLE[name] = { category, does };
}

add("file-read", "reads a file from the host", ["ReadFile"]);
add("file-read", "lists host files matching a glob", ["MatchingFiles", "MatchingFilesDataset", "ExperimentalMatchingFilesDataset"]);
add("file-read", "reads records from host files", [
  "WholeFileReader", "WholeFileReaderV2", "TextLineReader", "TextLineReaderV2", "FixedLengthRecordReader", "FixedLengthRecordReaderV2",
  "TFRecordReader", "TFRecordReaderV2", "LMDBReader", "LMDBDataset", "ExperimentalLMDBDataset", "TextLineDataset", "TFRecordDataset",
  "TFRecordDatasetV2", "FixedLengthRecordDataset", "FixedLengthRecordDatasetV2", "CSVDataset", "CSVDatasetV2", "ExperimentalCSVDataset",
  "SqlDataset", "ExperimentalSqlDataset", "LoadDataset",
]);
add("file-write", "writes a file on the host", ["WriteFile"]);
add("file-write", "writes dataset contents to host files", ["DatasetToTFRecord", "ExperimentalDatasetToTFRecord", "SaveDataset", "SaveDatasetV2", "SnapshotDataset", "SnapshotDatasetV2", "CacheDatasetV2"]);
add("file-write", "writes summaries or debug dumps to a host directory or URL", [
  "CreateSummaryFileWriter", "CreateSummaryDbWriter", "WriteSummary", "WriteRawProtoSummary", "WriteScalarSummary", "WriteHistogramSummary",
  "WriteImageSummary", "WriteAudioSummary", "WriteGraphSummary", "ImportEvent", "FlushSummaryWriter", "DebugIdentity", "DebugIdentityV2",
  "DebugIdentityV3", "DebugNanCount", "DebugNumericSummary", "DebugNumericSummaryV2",
]);
add("python", "calls a Python function registered by the loading process", ["PyFunc", "PyFuncStateless", "EagerPyFunc"]);
add("memory-map", "memory-maps a host file named in its attributes", ["ImmutableConst"]);
add("network", "makes an RPC to another host", ["Rpc", "TryRpc", "RpcClient", "RpcCall", "RpcServer", "RpcServerStart", "RpcServerRegister", "RpcCheckStatus", "RpcGetValue"]);
add("checkpoint", "saves or restores a checkpoint on the host", ["Save", "SaveV2", "SaveSlices", "Restore", "RestoreV2", "RestoreSlice", "MergeV2Checkpoints"]);
add("checkpoint", "fills a lookup table from a host file or remaps a checkpoint", ["InitializeTableFromTextFile", "InitializeTableFromTextFileV2", "LoadAndRemapMatrix", "GenerateVocabRemapping"]);
add("nested-graph", "runs a serialized GraphDef given as a string tensor", ["DatasetFromGraph"]);

/** Ops whose names say they load native code (no such op is registered in stock TensorFlow). */
const LIBRARY_LOADER = /(^|_)Load(Op|Kernel|Pluggable|Dynamic)?Library/i;

/**
 * The category of a TensorFlow op, or undefined for plain math and control flow.
 *
 * @example
 * classifyTfOp("WriteFile"); // { category: "file-write", does: "writes a file on the host" }
 */
export function classifyTfOp(op: string): TfOpClass | undefined {
  const known = TABLE[op];
  if (known) return known;
  if (LIBRARY_LOADER.test(op)) return { category: "python", does: "loads a native library" };
  return undefined;
}

/** `PrintV2` writes to stderr by default; an `output_stream` of `file://…` appends to a host file. */
export function isFileStream(outputStream: string): boolean {
  return /^file:/i.test(outputStream.trim());
}
