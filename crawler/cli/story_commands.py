"""`similar`: where else a story ran, and who had it first."""

from __future__ import annotations

import click

from newsarchive.crawler.cli.context import CliContext, pass_cli
from newsarchive.crawler.cli.research_output import echo_json, write_csv

SIMILAR_COLUMNS = ["first_seen", "domain", "source", "url", "similarity", "first", "article_id"]


@click.command()
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="The cluster and its members as a JSON object.")
@click.option("--csv", "as_csv", is_flag=True, help="The members as CSV.")
@pass_cli
def similar(cli: CliContext, url: str, as_json: bool, as_csv: bool) -> None:
    """The same story at other URLs and outlets (its story cluster), first seen first.

    URL is an archived article's URL or id. Similarity is the estimated
    Jaccard similarity of the two texts' word shingles (MinHash); the member
    marked first is the outlet the archive saw it at first.
    """
    from newsarchive.storage.research.read import NotFound, find_article
    from newsarchive.storage.research.stories import cluster_info
    from newsarchive.storage.research.stories import similar as cluster_members

    archive = cli.open_archive()
    try:
        with archive.sessions() as session:
            try:
                article = find_article(session, url)
            except NotFound as exc:
                raise click.ClickException(str(exc)) from None
            info = cluster_info(session, article)
            members = [member.to_dict() for member in cluster_members(session, article)]
            own = {"article_id": article.id, "url": article.canonical_url, "domain": article.domain}
            own_first = article.first_seen_at.isoformat()
    finally:
        archive.close()
    if as_json:
        echo_json({**own, "cluster": info.to_dict() if info else None, "similar": members})
        return
    if as_csv:
        write_csv(members, SIMILAR_COLUMNS)
        return
    if info is None:
        click.echo(f"{own['url']}: no story cluster yet (run `newsarchive db cluster-stories`)", err=True)
        return
    click.echo(
        f"story cluster {info.cluster_id}: {info.size} article{'s' if info.size != 1 else ''}, "
        f"first seen at {info.first_domain} {info.first_seen:%Y-%m-%d %H:%M} UTC"
    )
    mark = " (first)" if info.first_article_id == own["article_id"] else ""
    click.echo(f"  this   {own_first[:16].replace('T', ' ')}  {own['url']}{mark}")
    for member in members:
        score = f"{member['similarity']:.2f}" if member["similarity"] is not None else "  ? "
        first = " (first)" if member["first"] else ""
        click.echo(f"  {score}   {member['first_seen'][:16].replace('T', ' ')}  {member['url']}{first}")
    if not members:
        click.echo("  no other article carries this story", err=True)


def register(group: click.Group) -> None:
    group.add_command(similar)
