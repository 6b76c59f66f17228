"""Scheduled crawling: APScheduler 3, cron triggers, and one scheduler per archive."""
