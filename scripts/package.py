#!/usr/bin/env python3
"""Packages dist/ as the plugin zip Grafana installs: a folder named after the plugin id, the
backend executables with mode 0755 in the zip entries (grafana cli keeps the entry mode for
names it does not know), the source maps the catalog's validator asks for (jsMap), the README,
CHANGELOG and LICENSE that the build copies into dist/. Usage: scripts/package.py [output.zip]
(default: <plugin id>-<version>.zip in the repository root, the name Grafana's catalog expects)."""
import json
import os
import stat
import sys
import zipfile

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
dist = os.path.join(repo, "dist")
plugin = json.load(open(os.path.join(dist, "plugin.json")))
plugin_id, version = plugin["id"], plugin["info"]["version"]
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, f"{plugin_id}-{version}.zip")

with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
    for root, _dirs, files in os.walk(dist):
        for name in sorted(files):
            path = os.path.join(root, name)
            entry = os.path.join(plugin_id, os.path.relpath(path, dist))
            info = zipfile.ZipInfo.from_file(path, entry)
            executable = name.startswith("gpx_")
            mode = 0o755 if executable else 0o644
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as source:
                archive.writestr(info, source.read())
print(f"wrote {out} ({os.path.getsize(out) / 1e6:.1f} MB)")
