"""Canon contracts: the hard rules of a story world, authored in YAML.

Each contract file (``contracts/<file>.yaml``) maps ids to contracts; the full id is
``<file>.<id>``. A contract has a ``type`` from a closed list (the models in
:mod:`novelforge.contracts.models`), shared fields (message, severity, scope, filters)
and the fields of its type. The rules that enforce them live in ``novelforge/rules``
(NF3xx).
"""

# every type is enforced: the text types by NF301–NF305, the entity types by the
# continuity rules that read the same facts from canon (NF401, NF402, NF404, NF410, NF411).
# Here, not in models.py, so that naming the types (the rule registry, the loader) does not
# build the pydantic models of a book that has no contracts.
TYPES = ("forbid", "prefer", "consistency", "require-with", "pattern",
         "attribute", "lifecycle", "knowledge", "order", "travel")

