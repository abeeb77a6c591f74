"""Database expressions for Chinese name search.

PostgreSQL's pg_trgm indexes only help queries of three or more characters, and most Chinese trade names
are two characters (宏达, 恒泰). Migration 0002 therefore adds an immutable SQL function returning the
distinct 2-character substrings of a name, and a GIN index on it: ``bigrams(name) @> bigrams(q)`` finds
the candidates through the index, and ``name LIKE '%q%'`` confirms them. Longer queries use the trigram
index through the plain ``contains`` lookup (``icontains`` would wrap the column in ``UPPER`` and skip it).
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models

BIGRAM_FUNCTION = "subject_name_bigrams"


class NameBigrams(models.Func):
    """``subject_name_bigrams(expr)``: the array of distinct 2-character substrings (PostgreSQL only)."""

    function = BIGRAM_FUNCTION
    output_field = ArrayField(models.TextField())
