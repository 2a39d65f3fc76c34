"""A generator: `posts.json`, a raw route listing every post."""
import json

from engine.routes import Route


def posts_json(site, engine):
    items = [{"title": p.title, "path": p.path} for p in site.posts]
    yield Route("posts.json", None, json.dumps(items), "raw", generator="posts_json")


def register(extend, engine):
    extend.generators.register("posts_json", posts_json)
