"""The same story in several places (MinHash clusters) and headline A/B tests."""
