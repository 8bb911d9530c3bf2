"""The offline viewer: an archive rendered as a static site that opens from ``file://``.

Needs the ``view`` extra (Jinja2): ``pip install 'groupme_async[view]'``.
``groupme-async view ARCHIVE --out SITE`` wraps :func:`render_site`.
"""

from ._render import CSP, SiteSummary, render_site

__all__ = ["CSP", "SiteSummary", "render_site"]
