"""huikan (汇刊): a static-site generator for archives of Chinese industry bulletins."""

__version__ = "0.1.0"
