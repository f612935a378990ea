"""Register declarations of this family (see ledger.engine); none yet."""
