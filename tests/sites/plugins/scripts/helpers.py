"""A template helper: `{{ shout(page.title) }}` → `HELLO PLUGINS!`."""


def shout(ctx, text, mark="!"):
    return f"{str(text).upper()}{mark}"


def register(extend):
    extend.helpers.register("shout", shout)
