"""A test-only guard that trusts the first request of a chain, to watch a redirect get refused.

On the test site every host is 127.0.0.1, so the real guard would refuse the
first request already. This one lets it through, as if its host were public,
and checks every redirect hop like the real one does.
"""

from __future__ import annotations

from scrapy import Request

from newsarchive.crawler.crawl.downloader.netguard_middleware import DenyPrivateAddressesMiddleware


class FirstHopAllowed(DenyPrivateAddressesMiddleware):
    def process_request(self, request: Request) -> None:
        if not request.meta.get("redirect_times"):
            return None
        return super().process_request(request)
