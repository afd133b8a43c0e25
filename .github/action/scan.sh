#!/usr/bin/env bash
# The action's scan step. Reads the INPUT_* variables action.yml sets, runs modelvet in
# GITHUB_WORKSPACE, and writes verdict, exit-code and sarif-file to GITHUB_OUTPUT. Exits with
# modelvet's exit code, so the job fails on a failing scan (upload SARIF with `if: always()`).
set -uo pipefail
cd "${GITHUB_WORKSPACE:?GITHUB_WORKSPACE is not set}"
modelvet=(node "${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}/dist/cli/bin.js")

args=()
# Word-split paths on spaces and newlines, without glob expansion.
set -f
for path in ${INPUT_PATHS:-.}; do args+=("$path"); done
set +f
[ -n "${INPUT_FAIL_ON:-}" ] && args+=(--fail-on "$INPUT_FAIL_ON")
[ -n "${INPUT_POLICY:-}" ] && args+=(--policy "$INPUT_POLICY")
if [ "${INPUT_REQUIRE_SIGNATURE:-false}" = "true" ]; then
  args+=(--require-signature)
  [ -n "${INPUT_PUBLIC_KEY:-}" ] && args+=(--public-key "$INPUT_PUBLIC_KEY")
fi
while IFS= read -r glob; do
  [ -n "$glob" ] && args+=(--exclude "$glob")
done <<< "${INPUT_EXCLUDE:-}"

sarif="${INPUT_SARIF_FILE:-}"
if [ -n "$sarif" ]; then
  "${modelvet[@]}" scan "${args[@]}" --format sarif --output "$sarif"
  code=$?
  # The log gets the readable report too, unless SARIF was asked for there as well.
  if [ "${INPUT_FORMAT:-text}" != "sarif" ] && [ "$code" -ne 2 ]; then
    "${modelvet[@]}" scan "${args[@]}" --format "${INPUT_FORMAT:-text}" || true
  fi
else
  "${modelvet[@]}" scan "${args[@]}" --format "${INPUT_FORMAT:-text}"
  code=$?
fi

case "$code" in
  0) verdict=pass ;;
  1) verdict=fail ;;
  3) verdict=nothing-scanned ;;
  *) verdict=error ;;
esac
{
  echo "verdict=$verdict"
  echo "exit-code=$code"
  if [ -n "$sarif" ] && [ -f "$sarif" ]; then echo "sarif-file=$sarif"; fi
} >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
exit "$code"
