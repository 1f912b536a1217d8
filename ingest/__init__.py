"""The ingest pipeline: files in, catalog rows, stored originals and index entries out.

Data flows one way: bytes -> detected format -> parsed text and embedded
metadata -> merged metadata (explicit > embedded > heuristics) -> language and
strength areas -> catalog + original + index, written together or not at all.
"""
