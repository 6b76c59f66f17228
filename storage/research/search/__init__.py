"""Full-text search: the query language, SQLite FTS5, PostgreSQL tsvector, snippets."""
