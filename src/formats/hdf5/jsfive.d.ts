/** The part of jsfive 0.4.2 (pure-JS HDF5 reader, no bundled types) that modelvet touches. */
declare module "jsfive" {
  export class File {
    constructor(fh: ArrayBuffer, filename?: string);
    /** The root group's DataObjects; its prototype is jsfive's DataObjects class, which the package does not export. */
    readonly _dataobjects: object;
  }
  export class Group {}
  export class Dataset {}
}
