"""A report whose text has structure (headings of several levels, lists) and front matter, for page tests."""

from __future__ import annotations

import hashlib

from ingest.pipeline import Explicit

TITLE = "Damping of door panel resonances in electric cars"
ABSTRACT = (
    "Door panels of electric cars resonate at low frequencies that a combustion engine used to mask. "
    "We measured six panels and compare three damping treatments."
)
STRUCTURED_HTML = f"""<!doctype html>
<html lang="en"><head><title>{TITLE}</title>
<meta name="citation_title" content="{TITLE}">
<meta name="citation_author" content="Mette Kjærgaard">
<meta name="citation_publisher" content="Vibro Test ApS">
<meta name="citation_publication_date" content="2024-03-12">
<meta name="citation_abstract" content="{ABSTRACT}">
</head><body><main>
<h1>{TITLE}</h1>
<p>Mette Kjærgaard, Vibro Test ApS, 12 March 2024</p>
<h2>Abstract</h2>
<p>{ABSTRACT}</p>
<h2>Introduction</h2>
<p>Without an engine's masking noise, panel resonances between 80 and 200 Hz become audible in the cabin.</p>
<h3>Earlier work</h3>
<p>Constrained-layer damping is common in combustion cars, but its weight matters more in electric ones.</p>
<h2>Method</h2>
<ol><li>Mount the panel on the test rig.</li><li>Excite it with a shaker.</li>
<li>Measure the surface velocity.</li></ol>
<h5>Treatments compared</h5>
<ul><li>Bitumen pads</li><li>Constrained-layer foil</li><li>Viscoelastic foam</li></ul>
<h2>Results</h2>
<p>The constrained-layer foil lowered the first resonance peak by 9 dB at a third of the bitumen's weight.</p>
</main></body></html>
""".encode()
STRUCTURED_ID = hashlib.sha256(STRUCTURED_HTML).hexdigest()[:12]
"""Its document id (the start of its SHA-256), known before it is ingested."""


def ingest_structured(hub) -> str:
    """The report above, public; its document id."""
    outcome = hub.ingestor.ingest_bytes(
        STRUCTURED_HTML, "door-panels.html", "test:door-panels.html", Explicit(visibility="public")
    )
    assert outcome.status == "added" and outcome.id == STRUCTURED_ID, outcome
    return outcome.id
