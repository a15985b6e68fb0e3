"""Rendering the archive as a static website.

The modules here are small and each does one job: ``slugs`` (safe, stable URL parts),
``urls`` (links that work at the site root and under a sub-path), ``markup`` (article bodies),
``model`` (the archive as pages see it), ``pages`` (which pages exist and their context),
``render`` (Jinja), ``feeds``/``sitemap``, ``output`` (atomic, incremental writing),
``manifest`` and ``progress``. :mod:`huikan.build` ties them together.
"""
