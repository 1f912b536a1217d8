"""Writing the index: the one writer, its segment writer and the merges."""
