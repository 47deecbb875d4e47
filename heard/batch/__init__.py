"""`heard score`: batch conversation QA over exports (readers, pool, Dask engine, report)."""
