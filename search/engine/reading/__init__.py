"""The open index: where it lives, the shared searcher, per-segment arrays and derived tables."""
