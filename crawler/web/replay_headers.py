"""The headers that keep an archived page from running code or reaching the live web.

Two kinds of response come from the archive's own bytes: the replay document
(`if_`, the archived HTML, rewritten) and its resources (`im_`, `cs_`). Both
are served with a Content-Security-Policy that sandboxes them (no scripts,
no forms, no popups, an opaque origin: the same flags as the frame's
`sandbox` attribute, so even a replay document opened on its own is inert),
allows images, fonts and styles only from the archive's replay paths, and
nothing else at all: no scripts, frames, connections, media from elsewhere,
form targets or base URL. The replay page around the frame is one of our
own pages (render.PAGE_HEADERS) that may frame only our own origin.
"""

from __future__ import annotations

from newsarchive.crawler.web.render import PAGE_HEADERS

# The frame's sandbox flags: no allow-scripts, no allow-same-origin, no forms or
# popups. A link the rewriter pointed at another replay page may leave the frame
# for the top window, on a real click only (scripts cannot click).
SANDBOX = "allow-top-navigation-by-user-activation"


def archived_policy(origin: str) -> str:
    """The CSP of anything served from archived bytes, for the archive at `origin` (scheme://host:port)."""
    replay = f"{origin}/web/"  # a path ending in "/" matches everything under it
    return "; ".join(
        [
            f"sandbox {SANDBOX}",
            "default-src 'none'",
            f"img-src {replay}",
            f"media-src {replay}",
            f"font-src {replay}",
            # Inline styles are kept (pages need them to look as they did); CSS
            # cannot run code, and every url() in it is held to the same paths.
            f"style-src {replay} 'unsafe-inline'",
            "script-src 'none'",
            "connect-src 'none'",
            "frame-src 'none'",
            "child-src 'none'",
            "worker-src 'none'",
            "object-src 'none'",
            "manifest-src 'none'",
            "form-action 'none'",
            "base-uri 'none'",
            "frame-ancestors 'self'",
        ]
    )


def archived_headers(origin: str, content_type: str) -> dict[str, str]:
    return {
        "Content-Type": content_type,
        "Content-Security-Policy": archived_policy(origin),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "SAMEORIGIN",  # framed by the replay page, by nobody else
        "Referrer-Policy": "no-referrer",
        # No Cross-Origin-Resource-Policy: the sandboxed document has an opaque
        # origin, so to the browser its images and stylesheets are cross-origin loads.
        "Cache-Control": "private, max-age=3600",
    }


# The replay page: the pages' policy, plus the one frame it shows (our own replay document).
REPLAY_PAGE_HEADERS = {
    **PAGE_HEADERS,
    "Content-Security-Policy": PAGE_HEADERS["Content-Security-Policy"] + "; frame-src 'self'",
}
