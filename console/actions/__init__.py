"""Operator actions: plan -> execute -> follow -> verify -> audit. No Textual here."""
