"""Who may do what: roles, permissions, password hashing, share-link tokens."""
