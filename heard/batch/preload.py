"""Imported once by the pool's forkserver (see ``engines.PoolEngine``): the coach's patterns
and pattern databases are compiled there, and every worker forked from it starts warm
instead of compiling them again before its first chunk."""

from heard.batch.scoring import warm_up

warm_up()
