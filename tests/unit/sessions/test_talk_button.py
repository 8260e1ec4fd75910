"""The closing post's "Wil je privé praten?" button is the desk's own persistent button (same custom_id)."""

from cogs.desk._views import TALK_ID as DESK_TALK_ID
from cogs.sessions._views import TALK_ID


def test_the_closing_button_is_the_desks_talk_button() -> None:
    assert TALK_ID == DESK_TALK_ID
