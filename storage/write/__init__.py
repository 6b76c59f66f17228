"""The write path: one service owns transactions and the version rule."""
