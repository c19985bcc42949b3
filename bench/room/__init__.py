"""The Writers' Room benchmark: ``review`` over the seeded benchmark projects
(``bench/seeded``), scored like the rules (see README.md here)."""
