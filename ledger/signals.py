"""Signals of the customer registry, for the families that keep copies of its facts.

The registry never imports a family; a family that copies a customer's fact onto its own
rows (to read them without a join) connects here, in its ``AppConfig.ready``.
"""

from django.dispatch import Signal

# The customers ``customer_ids`` (a list of pks) now belong to ``owner_id``. Sent by the
# customer services inside the transaction that changed them, with the customers locked,
# so a receiver's writes commit or roll back with the change.
customer_owner_changed = Signal()
