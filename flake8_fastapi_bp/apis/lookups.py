"""Data only: which calls are not lookups, by the verb their name starts with (FBP303).

``x = repo.delete_item(item_id); if not x: raise HTTPException(404)`` reports that an
action found nothing to act on; the action itself cannot move into a dependency.
A listing or a search that comes back empty is not a missing resource either.
The verb is the first word of the called name (``delete_item``, ``deleteItem``,
``_search_files``). Words that also name resources (``post``, ``put``, ``get``) are not
verbs here: ``post = get_post(post_id)`` is the classic lookup.
"""

from __future__ import annotations

ACTION_VERBS: frozenset[str] = frozenset("""
    add append apply approve archive assign attach ban block bulk cancel change claim
    clear close commit complete create deactivate decrement delete destroy detach disable
    drop edit enable enqueue finish increment insert invalidate link lock mark merge modify
    move patch persist publish purge push register reject release remove rename replace
    reset restore revoke rotate save send set soft store submit toggle trigger unarchive
    unassign unban unblock unlink unlock unregister unset update upsert write
""".split())

# Calls that return a collection or a number, not one resource.
COLLECTION_VERBS: frozenset[str] = frozenset("count filter list search".split())
