"""Every model by name, across roles: pins chosen on first use, the catalogue, the trust step.

Hub models the registries know a commit for are pinned in the code. For the others the first
download resolves the branch to a commit, shows what would run, asks once and records the pin;
later runs use only that commit. Importing this package is cheap (no torch, no hub client).
"""
