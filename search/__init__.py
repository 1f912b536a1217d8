"""The search index: schema, analysis, writing, querying, facets and snippets.

This package knows nothing about files, the catalog or the web; it takes
plain :class:`search.schema.IndexDoc` records in and gives plain results out,
so the index can always be rebuilt from whatever holds the source of truth.
"""
