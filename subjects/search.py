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


CREATE_SQL = f"""
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE OR REPLACE FUNCTION {BIGRAM_FUNCTION}(value text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
        SELECT coalesce(array_agg(DISTINCT substr(value, i, 2)), '{{}}')
        FROM generate_series(1, char_length(value) - 1) AS i
    $$;
CREATE INDEX IF NOT EXISTS subject_name_bigram_gin
    ON subjects_creditsubject USING gin ({BIGRAM_FUNCTION}(name));
CREATE INDEX IF NOT EXISTS subject_name_trgm_gin
    ON subjects_creditsubject USING gin (name gin_trgm_ops);
"""

DROP_SQL = f"""
DROP INDEX IF EXISTS subject_name_trgm_gin;
DROP INDEX IF EXISTS subject_name_bigram_gin;
DROP FUNCTION IF EXISTS {BIGRAM_FUNCTION}(text);
"""
