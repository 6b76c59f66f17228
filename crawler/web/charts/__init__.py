"""Charts drawn on the server as inline SVG: no script, no library, no request leaving the page."""
