"""Supervision of the ledgers: reviews (台账审核), the monthly 梳理 and the access log.

Models in ``ledger.models.supervision``; reads in ``selectors``, writes in ``services``,
pages in ``views`` (mounted under ``/supervision/`` by ``ledger.urls``).
"""
