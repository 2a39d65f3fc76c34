"""Embeds as hexo-tag-embed 1.0.0 renders them: `youtube`, `vimeo`, `gist`, `jsfiddle`
(outputs checked against the hexo-theme-unit-test oracle, `videos.md` and `tag-plugins.md`)."""
from __future__ import annotations

from urllib.parse import quote

from engine.tags._util import html_tag
from engine.tags.context import TagContext, TagError


def _video(src: str) -> str:
    frame = html_tag("iframe", {"src": src, "frameborder": "0", "loading": "lazy",
                                "allowfullscreen": True})
    return f'<div class="video-container">{frame}</div>'


def youtube(ctx: TagContext, args: list[str], content: str | None) -> str:
    """`{% youtube id [type] [cookie] %}`; type 'playlist' embeds a list, cookie false uses
    youtube-nocookie.com."""
    if not args:
        raise TagError("youtube needs a video id")
    vid = args[0]
    kind = args[1] if len(args) > 1 else "video"
    cookie = not (len(args) > 2 and args[2] == "false")
    host = "https://www.youtube.com" if cookie else "https://www.youtube-nocookie.com"
    if kind == "playlist":
        return _video(f"{host}/embed/videoseries?list={quote(vid)}")
    return _video(f"{host}/embed/{quote(vid)}")


def vimeo(ctx: TagContext, args: list[str], content: str | None) -> str:
    if not args:
        raise TagError("vimeo needs a video id")
    return _video(f"https://player.vimeo.com/video/{quote(args[0])}")


def gist(ctx: TagContext, args: list[str], content: str | None) -> str:
    """`{% gist id [filename] %}`."""
    if not args:
        raise TagError("gist needs a gist id")
    src = f"//gist.github.com/{args[0]}.js"
    if len(args) > 1:
        src += f"?file={quote(args[1])}"
    return html_tag("script", {"src": src}, "")


def jsfiddle(ctx: TagContext, args: list[str], content: str | None) -> str:
    """`{% jsfiddle id [tabs] [skin] [width] [height] %}`."""
    if not args:
        raise TagError("jsfiddle needs a fiddle id")
    fid = args[0]
    tabs = args[1] if len(args) > 1 and args[1] != "default" else "js,resources,html,css,result"
    skin = args[2] if len(args) > 2 and args[2] != "default" else "light"
    width = args[3] if len(args) > 3 and args[3] != "default" else "100%"
    height = args[4] if len(args) > 4 and args[4] != "default" else "300"
    return html_tag("iframe", {"scrolling": "no", "width": width, "height": height,
                               "src": f"https://jsfiddle.net/{fid}/embedded/{tabs}/{skin}",
                               "frameborder": "0", "loading": "lazy", "allowfullscreen": True})


def register(extend) -> None:
    extend.tags.register("youtube", youtube)
    extend.tags.register("vimeo", vimeo)
    extend.tags.register("gist", gist)
    extend.tags.register("jsfiddle", jsfiddle)
