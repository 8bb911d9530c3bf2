"""An echo bot for GroupMe.

As a bot (GroupMe POSTs every message of the bot's group to its callback URL):

    pip install 'groupme_async[server]'
    GROUPME_BOT_ID=<bot id> uvicorn echo_bot:app --app-dir examples --port 8080

and give the bot that server's public URL as its callback URL
(``await gm.bots.update(bot_id, callback_url="https://.../")``).

As you (the same handlers on your own account's realtime stream, DMs
included; replies are sent as you):

    GROUPME_TOKEN=<token> python examples/echo_bot.py

It answers ``!ping`` with ``pong`` and ``!echo <text>`` with the text, and
logs every message it sees.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

from groupme_async import AsyncGroupMe
from groupme_async.bots import BotApp, Context

logger = logging.getLogger("echo_bot")


def create_app(bot_id: str | None, **options: Any) -> BotApp:
    """The bot; ``options`` go to :class:`BotApp` (``base_url``, ``transport``...)."""
    app = BotApp(bot_id, **options)

    @app.command("!ping")
    async def ping(ctx: Context) -> None:
        await ctx.reply("pong")

    @app.command("!echo")
    async def echo(ctx: Context) -> None:
        await ctx.reply(ctx.rest or "echo what?")

    @app.on_message
    async def log(ctx: Context) -> None:
        logger.info("%s: %s", ctx.message.name, ctx.message.text)

    return app


# What uvicorn serves.  Without GROUPME_BOT_ID the app can only run_realtime.
app = create_app(os.environ.get("GROUPME_BOT_ID"))


async def main() -> None:
    async with AsyncGroupMe() as gm:  # the token from GROUPME_TOKEN
        await app.run_realtime(gm)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(main())
