#!/usr/bin/env bash
# Refresh the GraphiQL assets served at /graphiql-assets/ from the npm registry.
#
# Usage: scripts/vendor_graphiql.sh   (needs npm and network access to the registry)
#
# The files are copied unchanged from the packages' tarballs. Bumping a version here also
# means bumping it in src/omnigate/http/graphiql.py (the directory names carry the versions,
# which is what makes the long cache headers safe) and in the assets' README.md.
set -euo pipefail

GRAPHIQL=3.8.3
REACT=18.2.0
EXPLORER=1.0.2
# Bundled inside the explorer plugin's UMD build; only its licence is needed.
GRAPHIQL_EXPLORER=0.9.0

cd "$(dirname "$0")/.."
dest=src/omnigate/http/static/graphiql
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(
    cd "$work"
    npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" \
        "@graphiql/plugin-explorer@$EXPLORER" "graphiql-explorer@$GRAPHIQL_EXPLORER" >/dev/null
    for tarball in *.tgz; do
        mkdir "${tarball%.tgz}"
        tar -xzf "$tarball" -C "${tarball%.tgz}"
    done
)

copy() { # copy SOURCE_IN_WORK DESTINATION_IN_DEST
    mkdir -p "$(dirname "$dest/$2")"
    cp "$work/$1" "$dest/$2"
}

rm -rf "$dest"/graphiql-* "$dest"/react-* "$dest"/plugin-explorer-*
copy "graphiql-$GRAPHIQL/package/graphiql.min.js" "graphiql-$GRAPHIQL/graphiql.min.js"
copy "graphiql-$GRAPHIQL/package/graphiql.min.css" "graphiql-$GRAPHIQL/graphiql.min.css"
copy "graphiql-$GRAPHIQL/package/LICENSE" "graphiql-$GRAPHIQL/LICENSE"
copy "react-$REACT/package/umd/react.production.min.js" "react-$REACT/react.production.min.js"
copy "react-$REACT/package/LICENSE" "react-$REACT/LICENSE"
copy "react-dom-$REACT/package/umd/react-dom.production.min.js" \
    "react-dom-$REACT/react-dom.production.min.js"
copy "react-dom-$REACT/package/LICENSE" "react-dom-$REACT/LICENSE"
copy "graphiql-plugin-explorer-$EXPLORER/package/dist/index.umd.js" \
    "plugin-explorer-$EXPLORER/index.umd.js"
copy "graphiql-plugin-explorer-$EXPLORER/package/dist/style.css" \
    "plugin-explorer-$EXPLORER/style.css"
# @graphiql/plugin-explorer ships no LICENSE file: its package.json says MIT and it lives in
# the graphql/graphiql monorepo, whose licence is the one graphiql ships.
copy "graphiql-$GRAPHIQL/package/LICENSE" "plugin-explorer-$EXPLORER/LICENSE"
copy "graphiql-explorer-$GRAPHIQL_EXPLORER/package/LICENSE" \
    "plugin-explorer-$EXPLORER/LICENSE.graphiql-explorer"

(cd "$dest" && find . -type f ! -name README.md ! -name SHA256SUMS | LC_ALL=C sort |
    xargs sha256sum >SHA256SUMS)
echo "Vendored into $dest:"
cat "$dest/SHA256SUMS"
