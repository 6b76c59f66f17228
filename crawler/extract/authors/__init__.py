"""Authors: JSON-LD and meta names, bylines in the markup, and the credits that are not authors."""
