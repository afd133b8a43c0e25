// Bundles the in-browser scanner page: src/web/scanner-page.ts (pure library layers only) ->
// docs/scanner/scanner.js. Run: npm run build:scanner.
import { build } from "esbuild";

await build({
  entryPoints: [new URL("../src/web/scanner-page.ts", import.meta.url).pathname],
  outfile: new URL("../docs/scanner/scanner.js", import.meta.url).pathname,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
});
