"""Contract documents in the store: upload, review extracted terms, apply them to a contract.

Flow: `archives.expand_uploads` (PDFs and ZIPs -> files) -> `batch.store_many` (or
`upload.store_upload` for one file: duplicate check by SHA-256, size limit,
`extraction.extract`, `client_match`) -> `review.review_term` per field ->
`apply.apply_to_contract` (through `db.contracts_repo.update_contract`: optimistic lock,
audit). Nothing reaches a contract before a reviewer applies it, except terms at or above
the auto-accept threshold, which upload applies the same way when it knows the contract.
"""
