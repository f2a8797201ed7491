"""The contract repository's rules: what a valid contract is, and how changes are described."""
