"""Contract documents in the store: upload, review extracted terms, apply them to a contract.

Flow: `archives.expand_uploads` (PDFs and ZIPs -> files) -> `upload.store_many` (or
`store_upload` for one file: duplicate check by SHA-256, size limit, `extraction.extract`,
client match) ->
`review.review_term` per field -> `apply.apply_to_contract` (through
`db.contracts_repo.update_contract`: optimistic lock, audit). Nothing reaches a contract
before a reviewer applies it.
"""
