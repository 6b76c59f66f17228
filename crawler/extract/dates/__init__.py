"""Dates: declared in markup, printed near the headline, and checked against each other."""
