"""What changed in the story world: ``diff`` compares the canon, contracts, promises and
settings of two loaded projects into the data of ``model``, ``render`` words the result
(text, Markdown, JSON), and ``history`` follows one canon entry through the commits of its
repository."""
