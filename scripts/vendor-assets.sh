#!/usr/bin/env bash
# Refresh the vendored front-end assets from their npm packages, at the pinned versions below.
# Run it after changing a version; commit the result. Nothing here is needed to run Lodestar.
set -euo pipefail

HTMX=2.0.11
PICO=2.1.1
CHARTJS=4.6.1
# Test-only: the accessibility tests inject axe-core; it is never served by Lodestar.
AXE=4.14.1

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/lodestar/static/vendor"
axe_dest="$root/tests/support/axe"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() {  # package@version -> unpacked into $work/<name>
  local spec=$1 name=$2
  (cd "$work" && npm pack --silent "$spec" >/dev/null && mkdir "$name" && tar -xzf ./*.tgz -C "$name" && rm ./*.tgz)
}

fetch "htmx.org@$HTMX" htmx
fetch "@picocss/pico@$PICO" pico
fetch "chart.js@$CHARTJS" chartjs
fetch "axe-core@$AXE" axe

mkdir -p "$dest/htmx" "$dest/pico" "$dest/chartjs"
cp "$work/htmx/package/dist/htmx.min.js" "$dest/htmx/"
cp "$work/htmx/package/LICENSE" "$dest/htmx/LICENSE"
cp "$work/pico/package/css/pico.min.css" "$dest/pico/"
cp "$work/pico/package/LICENSE.md" "$dest/pico/LICENSE.md"
cp "$work/chartjs/package/dist/chart.umd.min.js" "$dest/chartjs/" 2>/dev/null \
  || cp "$work/chartjs/package/dist/chart.umd.js" "$dest/chartjs/chart.umd.min.js"
cp "$work/chartjs/package/LICENSE.md" "$dest/chartjs/LICENSE.md"

# Source maps are not vendored: drop the references, or collectstatic's manifest fails on them.
find "$dest" -name '*.js' -o -name '*.css' | while read -r file; do
  sed -i -e '/^\/\/# sourceMappingURL=/d' -e 's|/\*# sourceMappingURL=[^*]*\*/||' "$file"
done

# axe-core goes with the tests (tests/e2e/test_accessibility.py), outside the static files.
mkdir -p "$axe_dest"
cp "$work/axe/package/axe.min.js" "$axe_dest/"
cp "$work/axe/package/LICENSE" "$axe_dest/LICENSE"
echo "axe-core $AXE" > "$axe_dest/VERSION"

cat > "$dest/VERSIONS" <<VERSIONS
htmx.org $HTMX
@picocss/pico $PICO
chart.js $CHARTJS
VERSIONS
echo "Vendored into $dest:"
cat "$dest/VERSIONS"
echo "Vendored into $axe_dest: $(cat "$axe_dest/VERSION")"
