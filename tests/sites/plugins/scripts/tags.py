"""Two tags: inline `{% kbd Ctrl C %}` and block `{% note warning %}…{% endnote %}`."""
from engine.text import escape_html


def kbd(ctx, args, content):
    return "+".join(f"<kbd>{escape_html(key)}</kbd>" for key in args)


def note(ctx, args, content):
    kind = args[0] if args else "info"
    # `content` already has nested tags rendered; Markdown is ours to apply.
    return f'<div class="note {escape_html(kind)}">{ctx.markdown(content)}</div>'


def register(extend):
    extend.tags.register("kbd", kbd)
    extend.tags.register("note", note, ends=True)
