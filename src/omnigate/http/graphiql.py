"""GraphiQL served entirely by omnigate: the page and its vendored assets, no CDN.

``render_graphiql`` is the page the GraphQL app returns for ``GET /graphql`` (in place of
strawberry's, which loads everything from unpkg.com); ``routes`` serves the assets listed in
``static/graphiql/README.md`` under ``/graphiql-assets/``. The page:

* opens one tab per example of ``playground/`` (tab titles are the operation names);
* has the Explorer plugin;
* POSTs to ``/graphql`` with the headers of its headers editor, which starts with
  ``Settings.graphiql_headers`` when there are any (``omnigate demo`` sets its manager's).
  Those are never persisted: the server hands them out on every load, and a stored token
  would outlive the demo's database. Headers typed by hand (``omnigate serve``) are
  persisted in the browser's local storage, as Rocket.Chat's web client keeps its own login
  token, so that a reload does not ask for them again;
* runs subscriptions (live queries) over a WebSocket to ``/graphql``, the same headers as
  the ``connection_init`` payload (the graphql-ws client is bundled in ``graphiql.min.js``);
* keeps tabs in local storage under a namespace derived from the examples, so edits survive
  a reload and a new set of examples opens fresh tabs.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from string import Template

from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

from omnigate.config import Settings
from omnigate.playground import Example

ASSETS_PATH = "/graphiql-assets"
ASSETS_DIR = Path(__file__).with_name("static") / "graphiql"
GRAPHQL_PATH = "/graphql"

# Paths under ASSETS_DIR, in load order; the directories carry the packages' versions.
_STYLESHEETS = ("graphiql-3.8.3/graphiql.min.css", "plugin-explorer-1.0.2/style.css")
_SCRIPTS = (
    "react-18.2.0/react.production.min.js",
    "react-dom-18.2.0/react-dom.production.min.js",
    "graphiql-3.8.3/graphiql.min.js",
    "plugin-explorer-1.0.2/index.umd.js",
)

_PAGE = Template("""\
<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>omnigate · GraphiQL</title>
    <link rel="icon" href="data:,">
$stylesheets
    <style>
      body { height: 100%; margin: 0; width: 100%; overflow: hidden; }
      #graphiql { height: 100vh; display: flex; }
      .graphiql-explorer-actions select { margin-left: 4px; }
    </style>
  </head>
  <body>
    <div id="graphiql" class="graphiql-container">Loading…</div>
    <noscript>GraphiQL needs JavaScript; the API itself is POST $graphql_path.</noscript>
    <script type="application/json" id="omnigate-graphiql">$config</script>
$scripts
    <script>
      const config = JSON.parse(document.getElementById("omnigate-graphiql").textContent);
      const storage = GraphiQL.createLocalStorage({ namespace: config.storageNamespace });
      // GraphiQL 3 starts the editors with the first tab's query but not its variables:
      // on a first visit (no saved tabs), hand it both.
      const firstTab =
        storage.getItem("graphiql:tabState") === null && config.tabs.length > 0
          ? config.tabs[0]
          : {};
      // Subscriptions (live queries) go over a WebSocket to the same path, with the
      // headers editor's content as the connection_init payload; graphiql.min.js bundles
      // the graphql-ws client that createFetcher uses for them.
      const subscriptionUrl = new URL(config.url, window.location.href);
      subscriptionUrl.protocol = subscriptionUrl.protocol === "https:" ? "wss:" : "ws:";
      const root = ReactDOM.createRoot(document.getElementById("graphiql"));
      root.render(
        React.createElement(GraphiQL, {
          fetcher: GraphiQL.createFetcher({
            url: config.url,
            subscriptionUrl: subscriptionUrl.href,
          }),
          plugins: [GraphiQLPluginExplorer.explorerPlugin()],
          defaultTabs: config.tabs.length > 0 ? config.tabs : undefined,
          query: firstTab.query,
          variables: firstTab.variables,
          defaultHeaders: config.headers,
          shouldPersistHeaders: config.persistHeaders,
          storage,
          defaultEditorToolsVisibility: "variables",
          isHeadersEditorEnabled: true,
          inputValueDeprecation: true,
        }),
      );
    </script>
  </body>
</html>
""")


def render_graphiql(settings: Settings, examples: Sequence[Example]) -> str:
    """The GraphiQL page, with a tab per example and ``settings.graphiql_headers`` pre-filled."""
    headers = (
        json.dumps(dict(settings.graphiql_headers), indent=2) if settings.graphiql_headers else None
    )
    tabs = [
        {
            "query": example.query,
            "variables": json.dumps(example.variables, indent=2) if example.variables else None,
            "headers": headers,
        }
        for example in examples
    ]
    digest = hashlib.sha256(
        json.dumps([[example.name, example.query] for example in examples]).encode()
    ).hexdigest()
    config = {
        "url": GRAPHQL_PATH,
        "tabs": tabs,
        "headers": headers,
        "persistHeaders": headers is None,
        "storageNamespace": f"omnigate-graphiql-{digest[:12]}",
    }
    return _PAGE.substitute(
        stylesheets="\n".join(
            f'    <link rel="stylesheet" href="{ASSETS_PATH}/{path}">' for path in _STYLESHEETS
        ),
        scripts="\n".join(f'    <script src="{ASSETS_PATH}/{path}"></script>' for path in _SCRIPTS),
        graphql_path=GRAPHQL_PATH,
        config=_script_safe_json(config),
    )


def _script_safe_json(value: object) -> str:
    """JSON that cannot end its ``<script>`` element early (``</script>``, ``<!--``)."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


class _VersionedStaticFiles(StaticFiles):
    """Static files cached for good: the asset directories carry their packages' versions."""

    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


routes: list[BaseRoute] = [
    Mount(ASSETS_PATH, app=_VersionedStaticFiles(directory=ASSETS_DIR), name="graphiql-assets"),
]
