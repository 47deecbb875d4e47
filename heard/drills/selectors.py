from functools import lru_cache


@lru_cache(maxsize=1)
def starter_decks():
    """The scenario decks that ship with Heard (plain files under heard/content/decks)."""
    from heard.content import load_decks

    return tuple(load_decks())
