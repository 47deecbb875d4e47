"""QA: rubrics and their automatic pre-scores (pure Python, no Django)."""
