"""The article body: trafilatura's text, the article's frame, boilerplate and furniture removed."""
