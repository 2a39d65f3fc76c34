"""A theme plugin: themes load their own scripts/ too."""


def register(extend):
    extend.helpers.register("theme_badge", lambda ctx: '<span class="badge">theme plugin</span>')
