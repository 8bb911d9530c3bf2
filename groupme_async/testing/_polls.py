"""Polls: create, vote (one option or several), end, and the paged list."""

from __future__ import annotations

from typing import Any

from ._http import HTTPError, Reply, Request, not_found, ok
from ._messages import announce
from ._routes import Route
from ._state import FakeState

TYPES = ("single", "multi")
VISIBILITIES = ("public", "anonymous")
#: Polls per page of ``GET /poll/:group_id``.
PAGE_SIZE = 10


def create_poll(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """Create a poll (`subject`, `options`, `expiration`, `type`, `visibility`): 201.

    GroupMe also posts "me"'s message announcing it (a `poll` attachment and
    a `poll.created` event); both come back.
    """
    store = state.group(group_id)
    body = r.json_object()
    subject = body.get("subject")
    if not isinstance(subject, str) or not subject.strip():
        raise HTTPError(400, "subject is required")
    options = body.get("options")
    if (
        not isinstance(options, list)
        or len(options) < 2
        or not all(isinstance(o, dict) and isinstance(o.get("title"), str) for o in options)
        or not all(o["title"].strip() for o in options)
    ):
        raise HTTPError(400, "options must be at least two objects with a title")
    now = state.wall_now()
    expiration = body.get("expiration")
    if isinstance(expiration, bool) or not isinstance(expiration, int) or expiration <= now:
        raise HTTPError(400, "expiration must be a time in the future (Unix seconds)")
    if body.get("type") not in TYPES or body.get("visibility") not in VISIBILITIES:
        raise HTTPError(400, "type must be single or multi; visibility public or anonymous")
    state.polls.serial += 1
    poll: dict[str, Any] = {
        "id": f"{now}{state.polls.serial:06d}",
        "subject": subject,
        "owner_id": state.me_id,
        "conversation_id": group_id,
        "created_at": now,
        "expiration": expiration,
        "status": "active",
        "options": [{"id": str(n), "title": o["title"]} for n, o in enumerate(options, 1)],
        "last_modified": now,
        "type": body["type"],
        "visibility": body["visibility"],
        "voters": {},
        "ended": False,
    }
    state.polls.by_group.setdefault(group_id, []).append(poll)
    message = announce(
        state,
        store,
        f"Created new poll '{subject}'",
        {"type": "poll", "poll_id": poll["id"]},
        (
            "poll.created",
            {"conversation": {"id": group_id}, "poll": {"id": poll["id"], "subject": subject}},
        ),
    )
    return ok({"poll": poll_json(state, poll), "message": message}, 201)


def show_poll(state: FakeState, r: Request, *, group_id: str, poll_id: str) -> Reply:
    """One poll with its counts (voters too, when public) and "me"'s `user_votes`."""
    return ok({"poll": poll_json(state, _poll(state, group_id, poll_id))})


def list_polls(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """The group's polls, newest first, a page at a time (`continuation_token`)."""
    state.group(group_id)
    polls = state.polls.by_group.get(group_id, [])[::-1]
    token = r.query.get("continuation_token") or "0"
    if not token.isdigit() or int(token) > len(polls):
        raise HTTPError(400, "continuation_token is invalid")
    start = int(token)
    end = start + PAGE_SIZE
    return ok(
        {
            "polls": [poll_json(state, p) for p in polls[start:end]],
            "continuation_token": str(end) if end < len(polls) else None,
        }
    )


def vote_one(state: FakeState, r: Request, *, group_id: str, poll_id: str, option_id: str) -> Reply:
    """Vote for one option (replacing "me"'s earlier votes)."""
    return _vote(state, _poll(state, group_id, poll_id), [option_id])


def vote_many(state: FakeState, r: Request, *, group_id: str, poll_id: str) -> Reply:
    """Vote for the options in `votes` (a multi-choice poll; one option in a single-choice one)."""
    poll = _poll(state, group_id, poll_id)
    votes = r.json_object().get("votes")
    if (
        not isinstance(votes, list)
        or not votes
        or not all(isinstance(v, str) for v in votes)
        or len(set(votes)) != len(votes)
    ):
        raise HTTPError(400, "votes must be a list of option ids")
    if poll["type"] == "single" and len(votes) != 1:
        raise HTTPError(400, "this poll takes one vote")
    return _vote(state, poll, votes)


def end_poll(state: FakeState, r: Request, *, group_id: str, poll_id: str) -> Reply:
    """End a poll now (its owner only; 400 if it is already over)."""
    poll = _poll(state, group_id, poll_id)
    if poll["owner_id"] != state.me_id:
        raise HTTPError(403, "Only the poll's creator can end it")
    if _over(state, poll):
        raise HTTPError(400, "The poll has already ended")
    poll["ended"] = True
    poll["last_modified"] = state.wall_now()
    return ok({"poll": poll_json(state, poll)})


def poll_json(state: FakeState, poll: dict[str, Any]) -> dict[str, Any]:
    """A poll as GroupMe shows it to "me"."""
    public = poll["visibility"] == "public"
    options = []
    for option in poll["options"]:
        voters = [u for u, chosen in poll["voters"].items() if option["id"] in chosen]
        shown = dict(option)
        if voters:  # GroupMe leaves out "votes" for an option nobody chose
            shown["votes"] = len(voters)
            if public:
                shown["voter_ids"] = voters
        options.append(shown)
    data = {k: v for k, v in poll.items() if k not in ("voters", "ended")}
    data["options"] = options
    data["status"] = "past" if _over(state, poll) else "active"
    out: dict[str, Any] = {"data": data}
    mine = poll["voters"].get(state.me_id)
    if mine:
        out["user_votes"] = list(mine)
        if poll["type"] == "single":
            out["user_vote"] = mine[0]
    return out


def _poll(state: FakeState, group_id: str, poll_id: str) -> dict[str, Any]:
    state.group(group_id)
    for poll in state.polls.by_group.get(group_id, ()):
        if poll["id"] == poll_id:
            return poll
    raise not_found()


def _over(state: FakeState, poll: dict[str, Any]) -> bool:
    return bool(poll["ended"]) or state.wall_now() >= poll["expiration"]


def _vote(state: FakeState, poll: dict[str, Any], votes: list[str]) -> Reply:
    if _over(state, poll):
        raise HTTPError(400, "The poll has ended")
    known = {o["id"] for o in poll["options"]}
    if not set(votes) <= known:
        raise not_found()
    poll["voters"][state.me_id] = votes
    poll["last_modified"] = state.wall_now()
    return ok({"poll": poll_json(state, poll)})


ROUTES = [
    Route("GET", "v3", "/poll/:group_id", list_polls),
    Route("POST", "v3", "/poll/:group_id", create_poll),
    Route("GET", "v3", "/poll/:group_id/:poll_id", show_poll),
    Route("POST", "v3", "/poll/:group_id/:poll_id", vote_many),
    Route("POST", "v3", "/poll/:group_id/:poll_id/end", end_poll),
    Route("POST", "v3", "/poll/:group_id/:poll_id/:option_id", vote_one),
]
