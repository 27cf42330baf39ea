"""A caption the page marks with a photo label and a dash ('ILUSTRASI - <caption> (antara)'), and the
same caption printed without the mark, credit the picture, not the text; the label is no dateline place;
an Indonesian 'Referensi :' line names the source it links to."""

from pipelines.clean import match_dateline
from pipelines.enrich import analyze_text

CAPTION = ("Petugas memeriksa dua kapal tanker berbendera asing di perairan Pontianak, Kalimantan Barat. "
           "(antara)")
STORY = [
    "Dua Kapal Tanker Asing Diamankan di Perairan Pontianak",
    CAPTION,
    "ILUSTRASI - " + CAPTION,
    "PORTALKALBAR.COM, JAKARTA – Badan Keamanan Laut RI menyita dua kapal tanker berbendera asing karena "
    "diduga melanggar hukum internasional di perairan Indonesia.",
    "Konfirmasi mengenai dugaan pelanggaran hukum itu disampaikan oleh juru bicara kementerian kepada "
    "wartawan di Jakarta pada Selasa siang.",
    "\u201cPenyelidikan masih berlangsung,\u201d katanya.",
]


def test_a_marked_caption_and_its_unmarked_twin_credit_the_picture_not_the_text():
    r = analyze_text("\n".join(STORY))
    assert r["sources"] == []
    assert r["photo_credits"] == ["ANTARA"]
    assert "Petugas memeriksa dua kapal tanker" in r["clean_text"]


def test_the_outlet_dateline_under_a_marked_caption_is_the_dateline():
    r = analyze_text("\n".join(STORY))
    assert r["dateline_outlet"] == "PORTALKALBAR.COM"


def test_a_photo_label_is_no_dateline_place():
    assert match_dateline("ILUSTRASI - " + CAPTION, "id") is None
    assert match_dateline("FOTO - " + CAPTION, "id") is None
    # a real place-only dateline still is one
    found = match_dateline("PONTIANAK - Badan Keamanan Laut RI menyita dua kapal tanker berbendera asing "
                           "karena diduga melanggar hukum internasional.", "id")
    assert found is not None and found[0].startswith("PONTIANAK")


def test_an_unmarked_caption_tag_at_the_story_end_is_still_the_sign_off():
    text = "\n".join(STORY[:1] + STORY[3:] + ["Kapal-kapal itu kini ditahan di pelabuhan Pontianak. (antara)"])
    r = analyze_text(text)
    assert r["sources"] == ["ANTARA"]
    assert r["photo_credits"] == []


def test_a_referensi_line_with_an_address_credits_the_linked_site():
    text = "\n".join(STORY[:1] + STORY[3:] + [
        "Referensi : https://jatim.suara.com/read/2022/11/25/075936/sejumlah-wilayah-jatim-diprediksi-hujan"])
    r = analyze_text(text)
    assert "jatim.suara.com" in r["sources"]
    assert "Referensi" not in r["clean_text"]
