"""NovelForge: a linter, ledger and build system for novels kept as plain text in git."""

__version__ = "0.2.0"
