const YAML_ORG = "tag:yaml.org,2002:";

/** PyYAML tags that construct objects or import names (`yaml.unsafe_load`, `FullLoader` before 5.4). */
const PYTHON_CONSTRUCTORS = /^python\/(?:object(?:\/new|\/apply)?|name|module)(?::|$)/;
/** PyYAML tags for plain data (`!!python/tuple`, `!!python/str`): harmless. */
const PYTHON_DATA = /^python\/(?:none|bool|str|unicode|bytes|int|long|float|complex|list|tuple|dict)$/;
/** Local tags that name a language's object constructors (`!ruby/object:`, `!!js/function`). */
const LANGUAGE_LOCAL = /^!(?:!)?(?:ruby|python|java|js|perl|php)\b/i;

/** The part after `tag:yaml.org,2002:`, or undefined for other tags. */
function yamlOrg(tag: string): string | undefined {
  return tag.startsWith(YAML_ORG) ? tag.slice(YAML_ORG.length) : undefined;
}

/** A tag PyYAML's unsafe loaders turn into an import, a call or an object. */
export function isPythonConstructorTag(tag: string): boolean {
  const rest = yamlOrg(tag);
  if (rest !== undefined) return rest.startsWith("python/") && (PYTHON_CONSTRUCTORS.test(rest) || !PYTHON_DATA.test(rest));
  return /^!python\//.test(tag) && !PYTHON_DATA.test(tag.slice(1));
}

/** A non-Python tag that asks some language's YAML loader for an object (SnakeYAML, Ruby, js-yaml). */
export function isForeignObjectTag(tag: string): boolean {
  if (isPythonConstructorTag(tag)) return false;
  const rest = yamlOrg(tag);
  if (rest !== undefined) return !rest.startsWith("python/");
  return LANGUAGE_LOCAL.test(tag) && !tag.startsWith("!python/");
}

/** `!!python/object/apply:os.system` from the resolved form, for messages. */
export function shortTag(tag: string): string {
  const rest = yamlOrg(tag);
  return rest === undefined ? tag : `!!${rest}`;
}
