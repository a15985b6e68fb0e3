"""Rendering the archive as a static website.

The modules here are small and each does one job: ``slugs`` (safe, stable URL parts),
``urls`` (links that work at the site root and under a sub-path), ``markup`` (article bodies),
``model`` (the archive as pages see it), ``pages`` (which pages exist and their context;
``pagination`` numbers a cluster's pages), ``render`` (Jinja), ``feeds``/``sitemap``,
``output`` (atomic, incremental writing), ``publish`` (the built model written into the
output folder and swapped in), ``manifest`` and ``progress``. :mod:`huikan.build` runs the
stages in order.
"""
