/** Facts about an HDF5 file's structure that matter to a loader: links and storage that reach outside the file. */

export interface Hdf5Link {
  /** Path of the link inside the file (`/model_weights/dense`). */
  path: string;
  kind: "external" | "soft" | "user-defined";
  /** External links: the file they open. */
  file?: string;
  /** Object path inside the target (external), the soft-link path, or the raw link type. */
  target: string;
  linkType: number;
  /** Offset of the link message (or symbol table entry), from the superblock. */
  offset: number;
}

export interface Hdf5ExternalStorage {
  /** Dataset whose raw data lives in other files (External Data Files message). */
  path: string;
  files: { name: string; offset: number; size: number }[];
  offset: number;
}

export interface Hdf5VirtualDataset {
  path: string;
  /** Mappings declared by the layout. */
  entries: number;
  /** Source file and dataset of the first mapping, when it could be decoded. */
  sources: { file: string; dataset: string }[];
  offset: number;
}

export interface Hdf5Facts {
  superblockVersion: number;
  /** Where the superblock is (0, or 512·2^n after a user block). */
  superblockOffset: number;
  objects: number;
  datasets: number;
  externalLinks: Hdf5Link[];
  softLinks: Hdf5Link[];
  userLinks: Hdf5Link[];
  externalStorage: Hdf5ExternalStorage[];
  virtualDatasets: Hdf5VirtualDataset[];
  rootAttributes: string[];
  /** Parts of the file that were not read, and why. */
  unread: string[];
}

/** Document of an HDF5 file that is not a legacy Keras model (format `hdf5`). */
export interface Hdf5Document {
  format: "hdf5";
  hdf5: Hdf5Facts;
}

/** Messages in an object header (HDF5 spec IV.A.2) that this walker reads. */
export const MSG_DATASPACE = 0x0001;
export const MSG_LINK_INFO = 0x0002;
export const MSG_LINK = 0x0006;
export const MSG_EXTERNAL_FILES = 0x0007;
export const MSG_LAYOUT = 0x0008;
export const MSG_ATTRIBUTE = 0x000c;
export const MSG_SYMBOL_TABLE = 0x0011;
export const MSG_ATTRIBUTE_INFO = 0x0015;
