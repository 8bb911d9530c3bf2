"""What one message costs to decode, option by option (issue 10's question).

The same 20,000 messages the client-CPU figure pages through (captured
once from FakeGroupMe; a quarter carry attachments) are decoded in this
process by each candidate; every figure is the best of ``repeats`` runs
(the least disturbed by anything else on the machine), in microseconds per
message, and the runs of all candidates alternate:

* ``orjson_loads``: parsing the pages' JSON, the floor under any decoder;
* ``hand_written_hook``: the converter's ``Message`` hook, written out by
  hand (``groupme_async/_convert.py``), as ``gm.group_messages.iter`` uses it;
* ``cattrs_generated_hook``: ``cattrs.gen.make_dict_structure_fn(Message,
  converter)`` on the same converter (detailed validation off, the
  project's own str/int/datetime/attachment hooks);
* ``cattrs_generated_detailed``: the same with cattrs' detailed validation
  on (its default), which collects every error of a message;
* ``model_construction_only``: ``Message(**fields)`` with every field
  already decoded: the floor of any hook that builds the frozen attrs model;
* ``hand_written_without_attachments``: the hand-written hook on the same
  messages with attachments and reactions removed: what decoding them only
  when read could save at most.

The decision the issue asks for is made here, from these figures: the
hand-written hook is kept only if the generated one is at least
``KEEP_IF_SLOWER`` times as slow.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

import attrs
import orjson
from cattrs.gen import make_dict_structure_fn

from groupme_async._convert import converter
from groupme_async.models import Message

from .client_cpu import capture_pages

#: The generated hook must be this many times slower to keep the hand-written one.
KEEP_IF_SLOWER = 1.10


def _best_us(fn: Callable[[], Any], n: int, samples: list[float]) -> None:
    gc.collect()
    start = time.process_time()
    fn()
    samples.append((time.process_time() - start) / n * 1e6)


def run(*, quick: bool, seed: int) -> dict[str, Any]:
    messages = 10_000 if quick else 20_000
    repeats = 5 if quick else 11
    _, _, pages = capture_pages(messages, seed)
    bodies = list(pages.values())
    raws: list[dict[str, Any]] = [
        m for body in bodies for m in orjson.loads(body)["response"]["messages"]
    ]
    n = len(raws)
    hand = converter.get_structure_hook(Message)
    generated = make_dict_structure_fn(Message, converter)
    detailed = make_dict_structure_fn(Message, converter, _cattrs_detailed_validation=True)
    built = [hand(m, Message) for m in raws]
    if [generated(m, Message) for m in raws] != built:
        raise RuntimeError("the generated hook decodes these messages differently")
    fields = [{f.name: getattr(b, f.name) for f in attrs.fields(Message)} for b in built]
    bare = [{**m, "attachments": [], "reactions": []} for m in raws]
    options: dict[str, Callable[[], Any]] = {
        "orjson_loads": lambda: [orjson.loads(b) for b in bodies],
        "hand_written_hook": lambda: [hand(m, Message) for m in raws],
        "cattrs_generated_hook": lambda: [generated(m, Message) for m in raws],
        "cattrs_generated_detailed": lambda: [detailed(m, Message) for m in raws],
        "model_construction_only": lambda: [Message(**f) for f in fields],
        "hand_written_without_attachments": lambda: [hand(m, Message) for m in bare],
    }
    samples: dict[str, list[float]] = {name: [] for name in options}
    for fn in options.values():  # warm-up
        fn()
    names = list(options)
    for i in range(repeats):
        shift = i % len(names)
        for name in names[shift:] + names[:shift]:
            _best_us(options[name], n, samples[name])
    best = {name: min(values) for name, values in samples.items()}
    ratio = best["cattrs_generated_hook"] / best["hand_written_hook"]
    keep = ratio >= KEEP_IF_SLOWER
    decision = (
        f"the generated hook is {ratio:.2f}x the hand-written one's cost "
        f"(>= {KEEP_IF_SLOWER:.2f}): the hand-written hook is kept"
        if keep
        else f"the generated hook is only {ratio:.2f}x the hand-written one's cost "
        f"(< {KEEP_IF_SLOWER:.2f}): the hand-written hook is not worth keeping"
    )
    with_attachments = sum(1 for m in raws if m.get("attachments"))
    return {
        "key": "decode_hand_written_us_per_message",
        "value": best["hand_written_hook"],
        "extra": {
            "decode_generated_us_per_message": best["cattrs_generated_hook"],
            "decode_generated_vs_hand_written": ratio,
        },
        "messages": n,
        "with_attachments": with_attachments,
        "repeats": repeats,
        "us_per_message": best,
        "samples_us_per_message": samples,
        "keep_hand_written": keep,
        "decision": decision,
        "summary": (
            f"{n:,} messages ({with_attachments:,} with attachments), best of {repeats}, "
            "us per message: "
            + ", ".join(f"{name} {value:.2f}" for name, value in best.items())
            + f"; {decision}."
        ),
    }
