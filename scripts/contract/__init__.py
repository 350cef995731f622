"""The raw data contract, split by concern; ``scripts.raw_contract`` assembles it."""
