"""Seeded layout generator: the gold bulletins typeset under random typography (issue 9).

The five gold bulletins (``tests/corpus/gold`` + ``seeds``) are parsed into their structure
(:mod:`.model`), a seed draws layout parameters (:mod:`.params`), and a producer typesets them:
Chromium printing HTML/CSS (:mod:`.html`), reportlab (:mod:`.reportlab_pdf`), LibreOffice
from heading-styled HTML (:mod:`.office`) or plain text / Markdown (:mod:`.text`).
:mod:`.generate` caches the files and exports them; ``bench/ingest_layouts.py`` scores them.
"""

GENERATOR_VERSION = 3
