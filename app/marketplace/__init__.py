"""The marketplace stage: each marketplace's rules (``marketplaces``, from
``resources/marketplaces.json``), the check of a finished bundle against them (``compliance``)
and the repairs that need no person (``autofix``)."""
