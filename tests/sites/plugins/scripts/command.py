"""A CLI command: `pyhexo post-count`."""
import click


def register(extend, engine):
    @click.command("post-count")
    @click.option("--prefix", default="posts:")
    def post_count(prefix):
        """Print how many posts the site has."""
        result = engine.build()
        click.echo(f"{prefix} {len(result.site.posts)}")

    extend.commands.register("post-count", post_count)
