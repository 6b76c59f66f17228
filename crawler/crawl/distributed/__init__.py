"""Many workers, one frontier: the scrapy-redis queue with leases and the worker settings."""
