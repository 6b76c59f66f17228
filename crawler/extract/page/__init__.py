"""The page as the extractor first reads it: bytes to text, one lxml tree, meta tags and JSON-LD."""
