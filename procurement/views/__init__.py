"""Procurement pages: the officers' register and set-up, suppliers' tenders, evaluation and award."""
