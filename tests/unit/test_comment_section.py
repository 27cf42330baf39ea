"""A reader-comment section below the story goes as boilerplate (pipelines/clean.py _comment_section):
its heading, with a commenter's own line right under it, opens a section that runs to the end."""

from pipelines.clean import COMMENT_KIND, clean
from pipelines.enrich import analyze_text

STORY_EN = [
    "Opposition leader denies state news agency report",
    "KUALA LUMPUR, 11 April 2009: The veteran lawmaker has denied a report that claims he praised the "
    "new cabinet line-up announced by the prime minister last week.",
    "\"This is a laughable misrepresentation of what I said,\" he told reporters outside his office in "
    "the capital on Saturday afternoon.",
    "He said he would call a press conference on Monday to explain his actual view of the new cabinet "
    "and of the changes the coalition needs.",
]

STORY_ID = [
    "Harga cabai di pasar tradisional naik dua kali lipat",
    "Harga cabai rawit di sejumlah pasar tradisional di kota ini naik hampir dua kali lipat dalam sepekan "
    "terakhir karena pasokan dari daerah sentra produksi berkurang akibat hujan.",
    "Para pedagang mengatakan pembeli mulai mengurangi jumlah belanja mereka, sementara pemerintah daerah "
    "berjanji menggelar operasi pasar dalam waktu dekat.",
]


def _kinds(result):
    return [s["kind"] for s in result["removed_segments"] if s["kind"] == COMMENT_KIND]


def test_a_wordpress_comment_thread_under_the_story_goes():
    text = "\n".join(STORY_EN + [
        "5 Responses to \u201cOpposition leader denies state news agency report\u201d",
        "Eric says:",
        "The agency is only doing its job as the government's propaganda arm.",
        "April 12, 2009 at 9:14 am",
        "Reply",
        "Mei Ling says:",
        "Finally someone says it out loud, and in public, where everybody can hear it.",
    ])
    r = analyze_text(text)
    assert "propaganda arm" not in r["clean_text"]
    assert "Finally someone says it" not in r["clean_text"]
    assert "laughable misrepresentation" in r["clean_text"]
    assert "press conference on Monday" in r["clean_text"]
    assert len(_kinds(r)) >= 4


def test_a_blogger_comment_under_an_indonesian_story_goes_and_the_rights_footer_is_left_to_its_rules():
    lines = STORY_ID + [
        "Share this article :",
        "+ komentar + 1 komentar",
        "January 6, 2010 at 11:50 PM",
        "pedagang nakal itu yang bikin harga naik terus .",
        "Post a Comment",
        "Copyright \u00a9 2011. Berita Kota - All Rights Reserved",
    ]
    c = clean("\n".join(lines), "id")
    taken = {s["text"] for s in c.removed_segments if s["kind"] == COMMENT_KIND}
    assert "pedagang nakal itu yang bikin harga naik terus ." in taken
    assert not any("Copyright" in t for t in taken)
    assert "operasi pasar" in c.body


def test_the_comment_form_under_a_story_goes():
    text = "\n".join(STORY_EN + [
        "Leave a Reply",
        "Fill in your details below or click an icon to log in:",
        "You are commenting using your WordPress.com account. Log Out /  Change )",
        "Twitter picture",
        "You are commenting using your Twitter account. Log Out /  Change )",
    ])
    r = analyze_text(text)
    assert "Twitter picture" not in r["clean_text"]
    assert "You are commenting" not in r["clean_text"]
    assert "press conference on Monday" in r["clean_text"]


def test_a_german_comment_heading_with_a_commenter_line_opens_the_section():
    story = [
        "Stadtrat beschließt neue Parkgebühren für die Innenstadt",
        "Der Stadtrat hat am Dienstagabend mit knapper Mehrheit neue Parkgebühren für die Innenstadt "
        "beschlossen, die ab dem kommenden Jahr gelten sollen.",
        "Die Opposition kritisierte die Entscheidung scharf und kündigte an, die Gebühren in einem "
        "Bürgerbegehren zur Abstimmung zu stellen.",
    ]
    text = "\n".join(story + [
        "Kommentare",
        "Klaus M. schreibt:",
        "Wieder einmal werden die Autofahrer abgezockt, während der Nahverkehr nicht besser wird.",
    ])
    r = analyze_text(text)
    assert "abgezockt" not in r["clean_text"]
    assert "Bürgerbegehren" in r["clean_text"]


def test_a_story_line_that_mentions_a_reply_or_comments_stays():
    text = "\n".join(STORY_EN[:3] + [
        "The ministry did not reply to a request for comment on Tuesday.",
        "Comments",
        "Critics said the reply came too late and that the minister had ignored the letters.",
        '"We will see," one of them said.',
    ])
    r = analyze_text(text)
    assert "did not reply to a request for comment" in r["clean_text"]
    assert "the reply came too late" in r["clean_text"]
    assert "We will see" in r["clean_text"]
    assert _kinds(r) == []


def test_a_comment_heading_above_the_story_changes_nothing():
    # the count of a page header ("3 comments") above the story is no section: the story follows it
    text = "\n".join(["3 comments", "Eric says:"] + STORY_EN)
    r = analyze_text(text)
    assert "laughable misrepresentation" in r["clean_text"]
    assert "press conference on Monday" in r["clean_text"]
    assert _kinds(r) == []
