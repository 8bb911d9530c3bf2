"""Bots: an ASGI application for GroupMe's bot callbacks, and the same
handlers over a user account's realtime stream.

>>> app = BotApp(bot_id)                     # doctest: +SKIP
>>> @app.command("!ping")                    # doctest: +SKIP
... async def ping(ctx: Context) -> None:
...     await ctx.reply("pong")

Serve it with any ASGI server (``uvicorn mymodule:app``) and give the bot
that URL as its ``callback_url``.  GroupMe POSTs every message of the bot's
group there, the bot's own posts included.  The app answers 200 at once and
runs the handlers afterwards (GroupMe wants a quick answer); it ignores
messages from bots (so it never answers itself), drops a message id it has
already handled, and answers 400 to a body that is not a message.
"""

from ._bots import BotApp, Context, Handler

__all__ = ["BotApp", "Context", "Handler"]
