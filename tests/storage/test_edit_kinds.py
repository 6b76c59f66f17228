"""The edit-kind rule on crafted pairs: one test per kind, and the cases between kinds."""

from __future__ import annotations

from typing import Any

from newsarchive.storage.write.edit_kinds import classify_edit, is_note, kinds_from_column, kinds_to_column

P1 = "The city council met on Tuesday evening to debate the budget for the coming year."
P2 = "Several members argued that the proposed cuts to public libraries went too far."
P3 = "The mayor said she would present a revised plan before the end of the month."
P4 = "Residents who attended the meeting applauded when the vote was postponed again."
BODY = "\n".join([P1, P2, P3, P4])
OLD: dict[str, Any] = {
    "title": "Council delays budget vote",
    "text": BODY,
    "authors": ["Ann Lee"],
    "captions": [],
}


def kinds(**new: Any) -> list[str]:
    return classify_edit(OLD, {**OLD, **new})


def test_first_version_and_no_visible_change_have_no_kind() -> None:
    assert classify_edit(None, OLD) == []
    assert kinds(published="2026-03-02") == []
    assert kinds(text=BODY.replace("\n", "\n\n")) == []  # layout noise only


def test_typo_a_few_characters_within_words() -> None:
    assert kinds(text=BODY.replace("council", "counsil")) == ["typo"]
    assert kinds(text=BODY.replace("Tuesday evening", "Tuesday evening,")) == ["typo"]


def test_wording_small_rewording() -> None:
    assert kinds(text=BODY.replace("argued that", "said")) == ["wording"]
    assert kinds(text=BODY.replace("went too far", "were excessive")) == ["wording"]


def test_substantive_sentences_added_or_removed_in_the_middle() -> None:
    added = "\n".join([P1, P2, "Two councillors walked out in protest before the debate had ended.", P3, P4])
    assert kinds(text=added) == ["substantive"]
    assert kinds(text="\n".join([P1, P3, P4])) == ["substantive"]
    # A paragraph swapped for another of the same length: new facts, though no words net.
    other = "Police closed the road outside city hall while protesters gathered in the rain."
    assert kinds(text="\n".join([P1, other, P3, P4])) == ["substantive"]


def test_live_update_text_appended_at_the_end_or_start() -> None:
    news = "Late on Tuesday the council announced a new vote would be held next Monday."
    assert kinds(text=BODY + "\n" + news) == ["live-update"]
    assert kinds(text=news + "\n" + BODY) == ["live-update"]


def test_headline_and_byline() -> None:
    assert kinds(title="Council postpones budget vote") == ["headline"]
    assert kinds(authors=["Ann Lee", "Bo Park"]) == ["byline"]
    assert kinds(authors=[" Ann  Lee "]) == []  # same name, other spacing


def test_correction_notes_in_several_languages_are_not_also_text_edits() -> None:
    for note in [
        "Correction: An earlier version of this article misstated the date of the meeting.",
        "An earlier version of this story gave the wrong name for the mayor.",
        "Update: This article has been updated with the mayor's comments.",
        "Korrektur: In einer früheren Version hieß es, die Sitzung sei am Montag gewesen.",
        "Rectificatif : une précédente version de cet article indiquait une autre date.",
        "Fe de errores: una versión anterior de este artículo daba otra fecha.",
    ]:
        assert kinds(text=BODY + "\n" + note) == ["correction"], note
    # A note that changed is a correction too; one at the top as well.
    noted = {**OLD, "text": "Correction: the vote was on Tuesday.\n" + BODY}
    changed = {**noted, "text": "Correction: the vote was on Tuesday, not Monday.\n" + BODY}
    assert classify_edit(noted, changed) == ["correction"]
    assert kinds(title="CORRECTED: Council delays budget vote") == ["headline", "correction"]
    # A correction with its fix in the text carries both kinds.
    fixed = BODY.replace("Tuesday", "Wednesday") + "\nCorrection: the meeting was on Wednesday."
    assert kinds(text=fixed) == ["correction", "wording"]


def test_prose_that_mentions_an_update_is_not_a_note() -> None:
    assert not is_note("The app received an update last week that changed its layout.")
    assert not is_note("Officials said the correction in stock prices was expected.")
    assert is_note("UPDATE 14:30: Police have reopened the road.")


def test_rewrite_most_of_the_text_replaced() -> None:
    other = "\n".join(
        [
            "Flooding closed three bridges across the river on Wednesday morning.",
            "Emergency crews evacuated homes near the water as the level kept rising.",
            P4,
        ]
    )
    assert kinds(text=other) == ["rewrite"]


def test_revert_is_recorded_with_the_diff_kinds() -> None:
    assert classify_edit(OLD, {**OLD, "title": "Council delays vote"}, revert_of=1) == ["headline", "revert"]


def test_several_kinds_at_once() -> None:
    new = BODY.replace("council", "counsil") + "\nThe next meeting is scheduled for the first week of April."
    assert kinds(title="Budget vote delayed", text=new, authors=[]) == [
        "headline",
        "byline",
        "typo",
        "live-update",
    ]


def test_column_round_trip_keeps_unclassified_apart_from_none() -> None:
    assert kinds_from_column(kinds_to_column(["headline", "typo"])) == ["headline", "typo"]
    assert kinds_from_column(kinds_to_column([])) == []
    assert kinds_from_column(None) is None


def test_a_long_live_page_is_judged_paragraph_by_paragraph() -> None:
    paragraphs = [
        f"Entry {i}: officials gave an update on the situation in district {i}." for i in range(2500)
    ]
    old = {**OLD, "text": "\n".join(paragraphs)}  # about 30,000 tokens: past the word diff's bound

    def with_text(lines: list[str]) -> list[str]:
        return classify_edit(old, {**old, "text": "\n".join(lines)})

    assert with_text(["Entry 2500: the road has reopened to traffic this morning.", *paragraphs]) == [
        "live-update"
    ]
    typo = list(paragraphs)
    typo[1200] = typo[1200].replace("officials", "oficials")
    assert with_text(typo) == ["typo"]
    assert with_text(paragraphs[:1200] + paragraphs[1201:]) == ["substantive"]
