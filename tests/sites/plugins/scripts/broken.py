"""A plugin with a bug: reported as scripts/broken.py:LINE, the rest of the site still builds."""


def register(extend):
    settings = {}
    extend.helpers.register("never_registered", settings["missing"])
