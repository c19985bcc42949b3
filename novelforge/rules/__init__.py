"""Rules. Importing this package registers every built-in rule in the central table
(:data:`novelforge.rules.registry.RULES`): ``rules/load.py`` and one module per rule,
``rules/nfNNN_name.py``, found by :func:`~novelforge.rules.registry.load_builtin_rules`."""

from novelforge.rules.registry import load_builtin_rules

load_builtin_rules()
