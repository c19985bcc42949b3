"""Git: read-only, hardened access to the repository around a project (``repo``), what a
change touches (``affected``), and the consequence of a canon change (``impact``)."""
