"""Reading and writing Whoosh's index files: posting blocks, field lengths, segment files."""
