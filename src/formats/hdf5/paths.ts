/**
 * Does a file name an HDF5 file refers to (external link, External Data Files slot, virtual
 * dataset source) reach outside the folder the model sits in? Absolute paths (POSIX, Windows drive,
 * UNC) and any `..` segment do; a plain relative name resolves next to the file (the HDF5 library
 * looks there, then in HDF5_EXT_PREFIX / HDF5_EXTFILE_PREFIX) and stays in the model folder.
 * "." is the file itself (virtual datasets use it for same-file sources).
 *
 * @example
 * escapesModelFolder("/etc/shadow"); // true
 * escapesModelFolder("weights_ext.bin"); // false
 */
export function escapesModelFolder(name: string): boolean {
  if (name.startsWith("/") || name.startsWith("\\") || /^[A-Za-z]:/.test(name)) return true;
  return name.split(/[\\/]/).some((segment) => segment === "..");
}
