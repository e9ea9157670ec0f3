# Sourced by run.sh and side-by-side.sh: exports bin/latentlab's malloc settings (those not already set), read from
# the launcher itself, so that the benchmarks run the map as the CLI and the server do (docs/performance.md, "Native
# memory"). Stops the calling script when the launcher no longer has both.
launcher_script="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/runtime/distribution/src/main/dist/bin/latentlab"
launcher_settings=0
while IFS= read -r setting; do
  name="${setting%%=*}"
  [[ -n "${!name:-}" ]] || export "$setting"
  launcher_settings=$((launcher_settings + 1))
done < <(sed -n 's/^export \(MALLOC_\(MMAP\|TRIM\)_THRESHOLD_\)="\${MALLOC_[A-Z_]*:-\([0-9]*\)}"$/\1=\3/p' "$launcher_script")
if ((launcher_settings != 2)); then
  echo "benchmarks: expected MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ in $launcher_script, found $launcher_settings" >&2
  exit 2
fi
