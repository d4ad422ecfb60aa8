"""What operators watch: Prometheus instruments, per-request statistics and log formats.

A leaf package (it imports nothing of omnigate), so the database layer can count its
aggregations and the HTTP layer its requests through the same instruments.
"""
