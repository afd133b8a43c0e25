export { hdf5Handler, type KerasH5Document } from "./handler.js";
export { walkHdf5, type Hdf5Walk } from "./walk.js";
export { MAX_HDF5_BYTES } from "./limits.js";
export type { Hdf5Document, Hdf5Facts, Hdf5Link } from "./types.js";
