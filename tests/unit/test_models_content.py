"""The models beyond the seeds (likes listings, polls, events, topics, PowerUp
reactions): immutable, back to GroupMe's JSON with ``to_dict()`` losslessly,
and ids that could become a path checked on the way in."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest

from groupme_async import (
    EmojiReaction,
    Event,
    LikedMessage,
    Poll,
    ResponseDecodeError,
    Subgroup,
)
from groupme_async._convert import structure

from . import content_examples as ex
from .test_models import check_frozen_without_lists, check_round_trip

DECODED: list[tuple[str, Any, type[Any]]] = [
    ("liked message", ex.LIKED, LikedMessage),
    ("leaderboard entry", ex.MESSAGE, LikedMessage),
    ("poll", ex.POLL, Poll),
    ("old poll", ex.OLD_POLL, Poll),
    ("event", ex.EVENT, Event),
    ("subgroup", ex.SUBGROUP, Subgroup),
    ("subgroup muted until unmuted", {**ex.SUBGROUP, "muted_until": 253402300800}, Subgroup),
]


@pytest.mark.parametrize(("name", "raw", "cls"), DECODED, ids=[d[0] for d in DECODED])
def test_decoded_models_hold_no_list_and_are_frozen(name: str, raw: Any, cls: type[Any]) -> None:
    check_frozen_without_lists(name, raw, cls)


@pytest.mark.parametrize(("name", "raw", "cls"), DECODED, ids=[d[0] for d in DECODED])
def test_to_dict_gives_back_groupme_json_that_decodes_to_the_same(
    name: str, raw: Any, cls: type[Any]
) -> None:
    check_round_trip(name, raw, cls)


def test_polls_nest_under_data_again_and_events_keep_their_iso_times() -> None:
    poll = structure(copy.deepcopy(ex.POLL), Poll, "x").to_dict()
    assert set(poll) == {"data", "user_votes"}
    assert poll["data"]["id"] == ex.POLL_DATA["id"]
    assert poll["data"]["expiration"] == ex.POLL_DATA["expiration"]
    event = structure(copy.deepcopy(ex.EVENT), Event, "x").to_dict()
    assert event["start_at"] == "2021-08-30T01:00:00-04:00"
    assert event["created_at"] == "2021-08-30T05:01:50+00:00"
    liked = structure(copy.deepcopy(ex.LIKED), LikedMessage, "x").to_dict()
    assert liked["id"] == ex.MESSAGE["id"] and liked["liked_at"].startswith("2025-05-14T14:33:17")


def test_an_emoji_reaction_says_its_type() -> None:
    reaction = EmojiReaction(pack_id=2, pack_index=7)
    assert reaction.to_dict() == {"type": "emoji", "pack_id": 2, "pack_index": 7}
    assert structure(reaction.to_dict(), EmojiReaction, "x") == reaction


def test_polls_and_topics_are_equal_by_id() -> None:
    poll = structure(copy.deepcopy(ex.POLL), Poll, "x")
    assert attrs.evolve(poll, subject="changed") == poll
    assert {poll: 1}[attrs.evolve(poll, user_votes=())] == 1
    topic = structure(copy.deepcopy(ex.SUBGROUP), Subgroup, "x")
    assert attrs.evolve(topic, topic="renamed") == topic
    assert attrs.evolve(topic, id="1") != topic


@pytest.mark.parametrize(
    ("raw", "cls"),
    [
        ({**ex.POLL, "data": {**ex.POLL_DATA, "id": "../1"}}, Poll),
        (
            {**ex.POLL, "data": {**ex.POLL_DATA, "options": [{"id": "1/end", "title": "x"}]}},
            Poll,
        ),
        ({**ex.SUBGROUP, "id": "1/mute"}, Subgroup),
        ({**ex.SUBGROUP, "parent_id": "x"}, Subgroup),
        ({**ex.EVENT, "conversation_id": "1?x"}, Event),
        ({**ex.LIKED, "id": "1/like"}, LikedMessage),
        ({**ex.LIKED, "liked_at": "yesterday"}, LikedMessage),
    ],
)
def test_an_id_that_is_not_an_id_is_a_decode_error(raw: Any, cls: type[Any]) -> None:
    with pytest.raises(ResponseDecodeError):
        structure(copy.deepcopy(raw), cls, "GET /x")


def test_a_mute_until_unmuted_is_the_last_second_a_datetime_holds() -> None:
    topic = structure({**ex.SUBGROUP, "muted_until": 253402300800}, Subgroup, "x")
    assert topic.muted_until == datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    with pytest.raises(ResponseDecodeError):
        structure({**ex.EVENT, "created_at": 253402300800}, Event, "x")
