"""Canon contracts: the hard rules of a story world, authored in YAML.

Each contract file (``contracts/<file>.yaml``) maps ids to contracts; the full id is
``<file>.<id>``. A contract has a ``type`` from a closed list (the models in
:mod:`novelforge.contracts.models`), shared fields (message, severity, scope, filters)
and the fields of its type. The rules that enforce them live in ``novelforge/rules``
(NF3xx).
"""
