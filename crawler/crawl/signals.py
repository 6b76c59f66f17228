"""newsarchive's own Scrapy signals."""

# Sent by the archive pipeline after each capture is recorded, with `result`
# (a newsarchive.storage.write.service.CaptureResult). The runner collects them for its report.
capture_recorded = object()
