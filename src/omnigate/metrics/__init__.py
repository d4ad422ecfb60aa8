"""The metrics of SPEC §2: pipelines pushed into MongoDB, shared by GraphQL and REST."""
