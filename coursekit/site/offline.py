"""The offline build (`OFFLINE=true mkdocs build`, Material's offline plugin): a site that works opened from a
folder. The plugin runs search through an iframe-worker shim it would fetch from unpkg.com; the site serves
its own copy instead, so the offline site, like the online one, loads nothing from another host."""

from coursekit import upstream

SHIM = "assets/iframe-worker-shim.js"  # docs/assets/iframe-worker-shim.js, iframe-worker 1.0.4 (MIT)


def enabled(config) -> bool:
    plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
    return bool(plugin and plugin.config.enabled)


def use_local_worker_shim(config) -> None:
    """Before the offline plugin's on_config: with a shim already in `extra.polyfills`, it adds none."""
    if enabled(config):
        key = upstream.MATERIAL_POLYFILLS
        config.extra[key] = [SHIM] + [url for url in config.extra.get(key, []) if "iframe-worker" not in url]
