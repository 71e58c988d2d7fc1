"""The bundled sample sites and a loopback server for them (used by `aidtrack demo` and the tests)."""

from aidtrack.demo.server import SiteServer, demo_sources_yaml, site_root

__all__ = ["SiteServer", "demo_sources_yaml", "site_root"]
