"""The gazetteer of agencies and outlets (pipelines/patterns/agencies.yaml via pipelines/gazetteer.py)."""

import pytest

from pipelines import gazetteer, patterns


@pytest.mark.parametrize(
    "name,canonical",
    [
        ("afp", "AFP"),
        ("Agence France-Presse", "AFP"),
        ("The Associated Press", "AP"),
        ("REUTERS", "Reuters"),
        ("Kantor Berita Antara", "ANTARA"),
        ("www.antaranews.com", "ANTARA"),
        ("https://antaranews.com", "ANTARA"),
        ("Deutsche Presse-Agentur", "dpa"),
        ("dpa/bb", "dpa"),
        ("ИТАР-ТАСС", "TASS"),
        ("ТАСС", "TASS"),
        ("РИА Новости", "RIA Novosti"),
        ("연합뉴스", "Yonhap"),
        ("조선중앙통신", "KCNA"),
        ("新华社", "Xinhua"),
        ("共同通信", "Kyodo"),
        ("Press Trust of India", "PTI"),
        ("Agencia EFE", "EFE"),
        ("Anadolu Ajansı", "AA"),
        ("وكالة الأناضول", "AA"),
        ("Thông tấn xã Việt Nam", "VNA"),
        ("Philippine News Agency", "PNA"),
        ("Agência Lusa", "Lusa"),
        ("Australian Associated Press", "AAP"),
        ("Pertubuhan Berita Nasional Malaysia", "Bernama"),
        ("ФедералПресс", "FederalPress"),
        ("KOMPAS.com", "Kompas.com"),
        ("the Guardian", "The Guardian"),
    ],
)
def test_lookup_finds_the_canonical_name_of_any_alias(name, canonical):
    src = gazetteer.lookup(name)
    assert src is not None and src.name == canonical
    assert gazetteer.canonical(name) == canonical


def test_unknown_names_are_none_and_keep_their_spelling():
    assert gazetteer.lookup("Harian Entah Apa") is None
    assert gazetteer.canonical(" Harian Entah Apa ") == "Harian Entah Apa"
    assert gazetteer.lookup("") is None and gazetteer.lookup(None) is None  # type: ignore[arg-type]


# the list of national agencies, each with its country
NATIONAL = {
    "ANTARA": "ID", "Bernama": "MY", "KCNA": "KP", "Yonhap": "KR", "TASS": "RU", "RIA Novosti": "RU",
    "Interfax": "RU", "Xinhua": "CN", "Kyodo": "JP", "PTI": "IN", "dpa": "DE", "EFE": "ES",
    "Europa Press": "ES", "ANSA": "IT", "APA": "AT", "AA": "TR", "IRNA": "IR", "WAFA": "PS", "VNA": "VN",
    "PNA": "PH", "Lusa": "PT", "AAP": "AU", "AFP": "FR", "AP": "US", "Reuters": "GB",
}


@pytest.mark.parametrize("name,country", sorted(NATIONAL.items()))
def test_agencies_are_agencies_with_their_country(name, country):
    src = gazetteer.lookup(name)
    assert src is not None and src.kind == "agency" and src.country == country
    assert gazetteer.is_agency(name)


def test_every_entry_is_well_formed():
    entries = gazetteer.entries()
    assert len(entries) > 300
    assert sum(e.kind == "agency" for e in entries) > 120
    for e in entries:
        assert e.kind in ("agency", "outlet", "photo", "generic")
        assert e.country is None or (len(e.country) == 2 and e.country.isupper()) or e.kind == "generic"
        assert e.name in e.aliases


def test_ordinary_word_names_are_only_whole_values():
    # "Trend" (Azerbaijan's agency), "Dawn" (Pakistan) are words too: a credit value, not running text
    assert gazetteer.lookup("Trend").name == "Trend" and gazetteer.lookup("Dawn").name == "Dawn"
    assert gazetteer.find("The Trend is clear, said the analyst at Dawn.") == []
    assert [s.name for _, _, s in gazetteer.find("Laporan itu dikutip dari Reuters dan AFP.")] == ["Reuters", "AFP"]


def test_short_capital_aliases_only_match_in_capitals():
    assert gazetteer.find("the ap said so, and ant was there") == []
    assert [s.name for _, _, s in gazetteer.find("(AP)")] == ["AP"]


def test_photo_agencies_are_not_agencies():
    assert gazetteer.lookup("Getty Images").is_photo and not gazetteer.is_agency("Getty Images")
    assert gazetteer.lookup("EPA").kind == "photo"


def test_an_alias_naming_two_organisations_is_a_pattern_error():
    with pytest.raises(patterns.PatternError, match="already names"):
        patterns.AliasTable([{"name": "A", "kind": "agency", "aliases": ["X"]},
                      {"name": "B", "kind": "outlet", "aliases": ["x"]}], {})
    with pytest.raises(patterns.PatternError, match="country"):
        patterns.AliasTable([{"name": "A", "kind": "agency", "country": "France"}], {})
    with pytest.raises(patterns.PatternError, match="kind"):
        patterns.AliasTable([{"name": "A", "kind": "blog"}], {})


# round 6: the wires' names in the other corpus languages' scripts, and the major outlets of the
# weak languages (zh/ko/vi/tr/tl/ar/pl), so a credit is known by its name in a credit position
@pytest.mark.parametrize(
    "name,canonical",
    [
        ("德新社", "dpa"), ("د ب أ", "dpa"), ("وكالة الأنباء الألمانية", "dpa"), ("埃菲社", "EFE"),
        ("俄新社", "RIA Novosti"), ("卫星通讯社", "Sputnik"), ("越通社", "VNA"), ("马新社", "Bernama"),
        ("وكالة الأنباء السعودية", "SPA"), ("وكالة أنباء الإمارات", "WAM"), ("إرنا", "IRNA"),
        ("وكالة المغرب العربي للأنباء", "MAP"), ("Informacyjna Agencja Radiowa", "IAR"),
        ("로이터통신", "Reuters"), ("ロイター通信", "Reuters"), ("AP通信", "AP"), ("아나돌루통신", "AA"),
        ("한국경제", "Korea Economic Daily"), ("AI타임스", "AI Times"), ("澎湃新闻", "The Paper"),
        ("聯合報", "United Daily News"), ("Sài Gòn Giải Phóng", "SGGP"), ("Haberler.com", "Haberler.com"),
        ("TVN24", "TVN24"), ("Abante", "Abante"), ("اليوم السابع", "Youm7"), ("셔터스톡", "Shutterstock"),
    ],
)
def test_local_script_names_of_wires_and_weak_language_outlets(name, canonical):
    src = gazetteer.lookup(name)
    assert src is not None and src.name == canonical


@pytest.mark.parametrize("word", ["الخليج", "البيان", "الأخبار", "النهار", "Tin tức", "سبق", "معا", "RIA", "РИА"])
def test_ordinary_words_are_not_aliases_of_new_outlets(word):
    """Arabic 'the Gulf', 'the statement', 'the news', 'the day'; Vietnamese 'news'; bare 'РИА' (an agency
    mark before any name, not RIA Novosti)."""
    src = gazetteer.lookup(word)
    assert src is None or src.name == "RIA Novosti" and word == "RIA"


def test_alias_variants_are_derived_not_listed():
    """A name that differs from an alias only by a space where the script changes ('AFP통신' /
    'AFP 통신') or before an outlet word of a CJK/Hangul name ('로이터통신' / '로이터 통신'), and
    the parts of 'Name (ACRONYM)' are the same organisation - derived, so agencies.yaml lists one form."""
    table = patterns.AliasTable(
        [{"name": "XNA", "kind": "agency", "aliases": ["Xanadu News Agency (XNA)", "XNA통신", "크사나두통신"]},
         {"name": "Other", "kind": "outlet", "aliases": ["Other Daily"]}],
        {},
    )
    for form in ("Xanadu News Agency", "XNA", "Xanadu News Agency (XNA)", "XNA 통신", "XNA통신",
                 "크사나두 통신", "크사나두통신"):
        src = table.resolve(form)
        assert src is not None and src.name == "XNA", form
    assert table.resolve("Xanadu (Other Daily)") is None  # two names in brackets are not one
    found = [src.name for _, _, src in table.find("Dilansir XNA 통신, Xanadu News Agency menyebut ...")]
    assert found == ["XNA", "XNA"]


def test_a_derived_variant_never_takes_another_entrys_name():
    table = patterns.AliasTable(
        [{"name": "A", "kind": "agency", "aliases": ["Alpha News (AN)"]},
         {"name": "AN", "kind": "outlet", "aliases": ["AN"]}],
        {},
    )
    assert table.resolve("AN").name == "AN" and table.resolve("Alpha News").name == "A"


@pytest.mark.parametrize("form", ["AFP 통신", "AFP통신", "로이터 통신", "로이터통신", "Philippine News Agency",
                                  "Philippine News Agency (PNA)", "Agence France Presse (AFP)", "신화 통신"])
def test_the_gazetteer_knows_the_derived_forms(form):
    assert gazetteer.lookup(form) is not None, form


def test_taiwans_central_news_agency_is_written_cna():
    assert gazetteer.lookup("中央社").name == "CNA" and gazetteer.lookup("CNA").is_agency
    assert gazetteer.lookup("Channel NewsAsia").name == "Channel NewsAsia"


# round 11: gaps among the major outlets of the corpus languages - a Portuguese newspaper, Brazilian
# portals, Chinese regional dailies (their usual Latin name), with aliases and country
@pytest.mark.parametrize(
    "name,canonical,country",
    [
        ("Diário de Notícias", "Diário de Notícias", "PT"), ("Diario de Noticias", "Diário de Notícias", "PT"),
        ("Estadão", "Estadão", "BR"), ("O Estado de S. Paulo", "Estadão", "BR"), ("UOL", "UOL", "BR"),
        ("广州日报", "Guangzhou Daily", "CN"), ("廣州日報", "Guangzhou Daily", "CN"),
        ("南方日报", "Nanfang Daily", "CN"), ("文匯報", "Wen Wei Po", "HK"), ("La Nacion", "La Nación", "AR"),
        ("Ouest France", "Ouest-France", "FR"), ("Telegraaf", "De Telegraaf", "NL"),
    ],
)
def test_round_11_outlets_are_known_with_their_country(name, canonical, country):
    src = gazetteer.lookup(name)
    assert src is not None and (src.name, src.kind, src.country) == (canonical, "outlet", country)


def test_a_new_outlet_opening_the_lead_is_the_dateline_outlet():
    """'Estadão – <text>': a brand-only dateline names the publishing outlet once the brand is known."""
    from pipelines.enrich import analyze_text

    text = ("Estadão – O governo anunciou nesta segunda-feira que o programa de ajuda alimentar será alargado "
            "a todos os distritos a partir do próximo mês.\nO orçamento adicional foi aprovado pelo parlamento "
            "e a distribuição será acompanhada de perto, acrescentou o ministro.")
    out = analyze_text(text, None)
    assert out["dateline_outlet"] == "Estadão" and out["sources"] == []


@pytest.mark.parametrize(
    "name,canonical",
    [
        ("朝鮮日報", "Chosun Ilbo"), ("ハンギョレ", "Hankyoreh"), ("观察者网", "Guancha"), ("スポニチ", "Sponichi"),
        ("サンスポ", "Sanspo.com"), ("Комсомольская правда", "Komsomolskaya Pravda"), ("Фонтанка", "Fontanka"),
        ("الإمارات اليوم", "Emarat Al Youm"), ("星洲日報", "Sin Chew Daily"), ("Het Laatste Nieuws", "HLN"),
        ("Süddeutsche", "Süddeutsche Zeitung"), ("大公报", "Ta Kung Pao"),
    ],
)
def test_round_11_local_script_names_and_second_tier_outlets(name, canonical):
    src = gazetteer.lookup(name)
    assert src is not None and src.name == canonical and src.kind == "outlet"


def test_a_brand_styled_in_lower_case_is_found_as_it_writes_itself():
    text = "Dikutip dari detikcom, Senin (12/2/2024), program itu dimulai; les agences ont confirmé."
    assert [text[s:e] for s, e, _ in gazetteer.find(text)] == ["detikcom"]  # a generic word stays strict


@pytest.mark.parametrize(
    "written,name",
    [
        ("BBC News", "BBC"),  # a name of the labelling table: the table's spelling, whatever alias
        ("Anadolu Agency", "AA"),
        ("Free Malaysia Today (FMT)", "FMT"),  # one outlet named twice: the short brand
        ("mbn(mbn.co.kr)", "MBN"),
        ("Kyodo News", "Kyodo"),  # an agency outside the table: its entry's name
        ("共同", "Kyodo"),
    ],
)
def test_credited_names_follow_the_labelling_rules(written, name):
    assert gazetteer.credited(written) == name


def test_table_names_are_fixed_in_the_gazetteer_file():
    fixed = patterns.alias_table().fixed
    assert {"AFP", "AP", "Reuters", "ANTARA", "dpa", "TASS", "Agencies", "AA"} <= fixed
    assert "Kyodo" not in fixed


def test_one_name_per_organisation_the_short_brand_when_the_text_writes_both():
    text = ("Berlin (dts Nachrichtenagentur) - Die Zahl der Arbeitslosen ist gesunken.\n"
            "Foto/Quelle: dts")
    assert gazetteer.one_name_each(["dts Nachrichtenagentur"], text) == ["dts"]
    # the text writes only the code: the entry's name stays ('PL' is Prensa Latina)
    assert gazetteer.one_name_each(["Prensa Latina"], "La Habana, 3 dic (PL) El Gobierno ...") == ["Prensa Latina"]
    # two forms of one outlet are one source: the domain, else the short brand
    assert gazetteer.one_name_each(["Kontan", "Kontan.co.id"]) == ["Kontan.co.id"]
    assert gazetteer.one_name_each(["Free Malaysia Today", "FMT"]) == ["FMT"]
    assert gazetteer.one_name_each(["Borneo Post Online", "Malay Mail"]) == ["Borneo Post Online", "Malay Mail"]
