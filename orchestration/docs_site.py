"""`revops docs`: dbt's documentation site (lineage, every model and column described).

The site is generated from the published warehouse, opened read-only through a profile of its
own, into a folder beside that warehouse. dbt writes its own artifacts there too (its own target
path), so generating docs never touches the build's parse or the working database and can run
while a build does.
"""

from __future__ import annotations

import functools
import http.server
import json
from pathlib import Path

from . import settings
from .atomic import write_atomically

SITE_FILES = ("index.html", "manifest.json", "catalog.json")


def docs_dir(warehouse: Path) -> Path:
    """Where the docs site of a published warehouse is written: beside it, private to it."""
    return warehouse.with_name(f".{warehouse.stem}.docs")


def _profile(warehouse: Path) -> str:
    # dbt-duckdb opens its main `path` read-write whatever the profile says (its `read_only` is
    # for attachments), which would lock BI readers out of the published file while the catalog
    # is read, and fail if one holds it open. So dbt opens an in-memory database and attaches the
    # published file read-only under the catalog name the manifest uses (decision 121).
    # JSON is YAML: the path is quoted safely whatever characters it holds.
    output = {"type": "duckdb", "path": ":memory:", "database": "warehouse", "threads": 1,
              "attach": [{"path": str(warehouse), "alias": "warehouse", "read_only": True}],
              "settings": {"TimeZone": "UTC"}}
    return json.dumps({"revops": {"target": "docs", "outputs": {"docs": output}}})


def generate_docs(warehouse: Path) -> Path:
    """Write index.html, manifest.json and catalog.json for ``warehouse``; returns the folder.

    One parse, handed to `docs generate --no-compile`: the catalog comes from the published
    tables themselves and nothing is compiled or run against them."""
    from dbt.cli.main import dbtRunner

    site = docs_dir(warehouse)
    work = site / "dbt"
    work.mkdir(parents=True, exist_ok=True)
    (work / "profiles.yml").write_text(_profile(warehouse), encoding="utf-8")
    # no usage stats: the site reads this flag from the manifest and would load a tracker
    common = ["--quiet", "--no-send-anonymous-usage-stats", "--project-dir", str(settings.PROJECT_DIR), "--profiles-dir", str(work),
              "--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    parsed = dbtRunner().invoke(["parse", *common])
    if not parsed.success:
        raise RuntimeError(f"dbt parse failed for the docs of {warehouse}: {parsed.exception}")
    generated = dbtRunner(manifest=parsed.result).invoke(["docs", "generate", "--no-compile", *common])
    if not generated.success:
        raise RuntimeError(f"dbt docs generate failed for {warehouse}: {generated.exception}")
    for name in SITE_FILES:  # replace each file whole: a reader of the site never sees half of one
        write_atomically(site / name, (work / "target" / name).read_bytes())
    return site


def serve_docs(site: Path, host: str = "127.0.0.1", port: int = settings.DEFAULT_DOCS_PORT) -> int:
    handler = functools.partial(_SiteHandler, directory=str(site))
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        print(f"dbt docs: http://{host}:{port}/  (serving {site}; Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves only the site's three files (not dbt's working folder beside them), quietly."""

    def do_GET(self):
        name = self.path.split("?", 1)[0].lstrip("/") or "index.html"
        if name not in SITE_FILES:
            self.send_error(404)
            return
        self.path = "/" + name
        super().do_GET()

    def log_message(self, format, *args):
        pass
