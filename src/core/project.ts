/** The project's home, in one place: SARIF links, package.json, docs. */
export const REPOSITORY_URL = "https://github.com/modelvet/modelvet";

/** Rule pages (docs/rules/ID.md) as GitHub shows them: code scanning rejects relative help links. */
export const RULE_DOCS_URL = `${REPOSITORY_URL}/blob/main/docs/rules`;
