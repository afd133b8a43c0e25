/** `..` as a whole path segment (`../x`, `a/../../b`, `..\\x`). */
export const TRAVERSAL = /(?:^|[\\/])\.\.(?:[\\/]|$)/;
/** POSIX root, drive letter, UNC share, home folder or file: URL. */
export const ABSOLUTE = /^(?:\/(?!\/)|[A-Za-z]:[\\/]|\\\\[^\\]|~[\\/]|file:\/)/;
/** Keys that record where a file was saved from; loaders do not open them. */
export const PROVENANCE_KEYS: ReadonlySet<string> = new Set(["_name_or_path", "name_or_path", "base_model_name_or_path", "special_tokens_map_file"]);
/** Cache folders that old transformers versions wrote into saved configs. */
export const CACHE_PATH = /[\\/]\.cache[\\/](?:huggingface|torch)[\\/]/;
/** Longest value treated as a path (longer single-line values are data). */
export const MAX_PATH_CHARS = 4096;

export function pathLike(value: string): boolean {
  return value.length <= MAX_PATH_CHARS && !value.includes("\n");
}
