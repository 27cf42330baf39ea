"""Source attribution: who the article's content is credited to.

Only explicit credit constructions count (the labelling rules of the attribution benchmark):
credit lines ("SUMBER: ASHARQ AL-AWSAT, AFP"), agency datelines ("Jakarta (ANTARA) -"), end tags
("... pihak. – Bernama", "(ant)", a bare "dpa" line), per-article copyright lines, bylines naming an
outlet, republication notes and a closed list of relay formulas ("seperti dilansir Reuters").
An agency merely named in a sentence ("kantor berita resmi Korea Utara KCNA mengatakan") is a
mention, not a source.  Photo credits are kept apart.  Credit lines leave the body; credits that sit
inside a body sentence (relay formulas, end tags) leave only their tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipelines import patterns as P
from pipelines.clean import is_headline_like, is_name_list, normalize_text, plausible_dateline_org, scope_lang

_DOMAIN = re.compile(
    r"(?<![\w@])(?:https?://)?(?:www\.)?([A-Za-z0-9][\w-]*(?:\.[A-Za-z]{2,6}){1,2})(?![\w-])"
)
_LIST_SPLIT = re.compile(
    r"\s*(?:,|;|\s/\s|/|&|\+|\band\b|\bdan\b|\bund\b|\bet\b|\by\b|\be\b|\bи\b|\bserta\b)\s*", re.IGNORECASE
)
_YEARS = re.compile(r"\b(?:19|20)\d{2}\b(?:\s*[-–]\s*(?:19|20)?\d{2,4})?")
_TAIL_OK = re.compile(r"^[\s)\].]*$")
_CODED = re.compile(r"\(\s*(?P<codes>[a-z]{2,8}(?:\s*/\s*[a-z0-9]{1,8}){0,3})\s*\)\s*\.?\s*$", re.IGNORECASE)
_WRITER_TAG = re.compile(r"^\(\s*(?P<org>[\w-]+(?:\.[A-Za-z]{2,6}){1,2})\s*/\s*(?P<who>[^()]{2,60})\)\.?$")
_SLASH_FRAG = re.compile(
    r"[(\[]\s*(?:©\s*)?\(?\s*(?P<val>[^()\[\]\n]{1,80}/[^()\[\]\n]{1,80}?)\s*\)?\s*[)\]]"
)


@lru_cache(maxsize=1)
def _bare_photo() -> re.Pattern[str]:
    """'REUTERS/Jane Doe' at the end of a line (prefixes: patterns/common.yaml)."""
    prefixes = P.label_alternation("photo_slash_prefixes")
    return re.compile(rf"(?:^|\s)(?P<val>(?:{prefixes})\s*/\s*[^\n]{{2,60}})$")


@lru_cache(maxsize=1)
def _agency_mark() -> re.Pattern[str]:
    """'kantor berita Antara', 'agence France-Presse' (words: each language's agency_words)."""
    return re.compile(rf"^(?:{P.label_alternation('agency_words')})\s+(?P<name>.+)$", re.IGNORECASE)


@dataclass
class Attribution:
    sources: list[str] = field(default_factory=list)
    attribution_text: list[str] = field(default_factory=list)  # the raw crediting lines / fragments
    photo_credits: list[str] = field(default_factory=list)
    dateline_outlet: str | None = None
    is_wire_copy: bool = False
    body: str = ""
    removed_segments: list[dict[str, str]] = field(default_factory=list)
    attribution_lines: list[str] = field(default_factory=list)  # whole input lines that carried credits


class _Names:
    """An ordered set of names compared like the scorer does (NFKC + casefold)."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self._keys: set[str] = set()

    def add(self, name: str | None) -> None:
        if name and P.norm_key(name) and P.norm_key(name) not in self._keys:
            self._keys.add(P.norm_key(name))
            self.items.append(name)

    def __contains__(self, name: str) -> bool:
        return P.norm_key(name) in self._keys


@lru_cache(maxsize=32)
def _rx(lang: str | None = None) -> dict[str, re.Pattern[str]]:
    credit = P.label_alternation("credit_labels", lang) or r"(?!x)x"
    photo = P.label_alternation("photo_labels", lang) or r"(?!x)x"
    return {
        "credit_line": re.compile(
            r"^[(\[]?\s*(?:" + credit + r")\s*[:;：]\s*(?P<val>.+?)\s*[)\]]?\s*\.?$", re.IGNORECASE
        ),
        "credit_tail": re.compile(
            r"\(\s*(?:" + credit + r")\s*[:;：]\s*(?P<val>[^()]{2,80})\)\s*\.?\s*$", re.IGNORECASE
        ),
        "photo_line": re.compile(
            r"^[(\[]?\s*(?:©\s*)?(?:" + photo + r")\s*(?::|/|\s[-–—]\s)\s*(?P<val>.+?)\s*[)\]]?$",
            re.IGNORECASE,
        ),
        "photo_frag": re.compile(
            r"(?:[|•]\s*|[(\[]\s*)(?:" + photo + r")\s*[:/]\s*(?P<val>[^|()\[\]\n]{2,80}?)\s*[)\]]?\s*$",
            re.IGNORECASE,
        ),
        "photo_word": re.compile(
            r"^[(\[]?\s*(?i:foto|photo|bild)\s+(?P<val>[\w.]+(?:\s[A-Z][\w.]*){0,3})\s*[)\]]?$"
        ),
        "copyright": re.compile(r"^\s*<?\s*(?:copyright|©|ⓒ|\(c\))", re.IGNORECASE),
    }


def _vague(text: str) -> bool:
    key = P.norm_key(text)
    return any(key == P.norm_key(v) or key.startswith(P.norm_key(v) + " ") for v in P.merged("credit_vague"))


def _resolve_name(raw: str, known_only: bool = False) -> str | None:
    """Canonical name of a credited item, its domain, or (unless known_only) the name as written."""
    raw = raw.strip().strip("\"'“”«»()[]").strip()
    if not raw:
        return None
    table = P.alias_table()
    # "the Guardian" -> The Guardian; an unknown "The Conversation" keeps its article
    bare = re.sub(r"^(?:the|die|der|la|le|el|l')\s+", "", raw, flags=re.IGNORECASE)
    src = table.resolve(raw) or table.resolve(bare)
    if src:
        return src.name
    m = _agency_mark().match(raw)
    if m:
        inner = table.resolve(m.group("name"))
        return inner.name if inner else m.group("name").strip()
    dm = _DOMAIN.fullmatch(raw.split()[0]) if raw.split() else None
    if dm and len(raw.split()) == 1:
        dom = dm.group(1)
        src = table.resolve(dom)
        return src.name if src else dom
    if known_only or _vague(raw):
        return None
    # an unknown credited name is short ("The Conversation", "Harian Jogja"); longer is running text
    if len(raw) > 40 or len(raw.split()) > 4 or not any(c.isalpha() for c in raw):
        return None
    if re.search(r"[A-Z]{3,}[a-z]", raw):  # "AFPKorea": two texts glued together, not a name
        return None
    return raw


def _split_list(val: str) -> list[str]:
    return [x for x in (s.strip(" .") for s in _LIST_SPLIT.split(val)) if x]


def _resolve_list(val: str, known_only: bool = False) -> list[str]:
    # "dpa/bb" and "Asharq Al-Awsat" are single aliases: try the whole value first
    whole = P.alias_table().resolve(val)
    if whole:
        return [whole.name]
    if known_only:  # a credit sentence: every known source it names, in order
        return list(dict.fromkeys(src.name for _, _, src in P.alias_table().find(val)))
    out = []
    for item in _split_list(val):
        name = _resolve_name(item, known_only)
        if name:
            out.append(name)
    return out


def photo_org(val: str) -> str | None:
    """Who a photo credit value names: a known org, a site, else the person or courtesy word."""
    val = re.sub(r"^\s*(?:©|\(c\))\s*", "", val.strip(), flags=re.IGNORECASE).strip(" ()[].")
    markers = {P.norm_key(m) for m in P.merged("photo_markers")}
    parts = []
    for part in re.split(r"\s*/\s*|\s*\|\s*|\s+via\s+", val):
        part = re.sub(r"\s+(?:photo|foto|file photo)$", "", part.strip(), flags=re.IGNORECASE).strip(" ©.")
        if part and P.norm_key(part) not in markers:
            parts.append(part)
    if not parts:
        return None
    table = P.alias_table()
    for part in parts:
        src = table.resolve(part)
        if src:
            return src.name
    for part in parts:
        if _DOMAIN.fullmatch(part):
            return part
    if len(parts) == 1:
        p = parts[0]
        return p[:1].upper() + p[1:] if len(p.split()) <= 5 else None
    for part in parts:
        letters = [c for c in part if c.isalpha()]
        if letters and all(c.isupper() for c in letters) and len(part) <= 20:
            return part
    return parts[-1] if len(parts[-1].split()) <= 5 else None


def _looks_photo_value(val: str) -> bool:
    """'ANTARA/Muhammad Adimaja' under a 'Sumber :' label is a photo credit, not a text credit."""
    if "/" not in val or "," in val:
        return False
    head, _, tail = val.partition("/")
    table = P.alias_table()
    return (
        bool(table.resolve(head.strip()) or head.strip().isupper())
        and is_name_list(tail.strip(), 2)
        and not table.resolve(tail.strip())
    )


def _dateline_org(dateline: str) -> str | None:
    for rx in P.regexes("dateline_patterns", 0):
        m = rx.match(dateline + " ")
        if m:
            for k, v in m.groupdict().items():
                if k.startswith("org") and v:
                    return v.strip()
    # a feed aggregator's mid-line "Liputan6.com --" (lifted by cleaning) names its outlet before the dash
    m = re.fullmatch(r"(?P<org>\S.{1,40}?)\s*(?:--|[–—])", dateline.strip())
    if m and (P.alias_table().resolve(m.group("org")) or _DOMAIN.fullmatch(m.group("org"))):
        return m.group("org")
    return None


def _known_or_domain(raw: str) -> str | None:
    """A credited outlet only when the alias table knows it or it is a web domain (high precision)."""
    raw = raw.strip().strip("\"'“”«»").strip()
    src = P.alias_table().resolve(raw)
    if src:
        return src.name
    m = _DOMAIN.fullmatch(raw)
    return m.group(1) if m else None


_OUTLET_WORDS = re.compile(
    r"^(?:harian|koran|majalah|tabloid|portal|laman|situs|kantor berita|radio|televisi|akhbar)\s+\S",
    re.IGNORECASE,
)
_KO_NEWS = re.compile(r"\s*뉴스$")


def _classify_org(org: str) -> tuple[str, str] | None:
    """('source'|'outlet', name) for an org named in a dateline or header stamp."""
    table = P.alias_table()
    org = org.strip().strip('«»"')
    if "=" in org:  # Korean "(서울=연합뉴스)"
        org = org.split("=", 1)[1]
    src = table.resolve(org) or table.resolve(org.split("/")[0])
    if src:
        if src.is_agency:
            return "source", src.name
        # an outlet keeps its brand as written (a sub-brand or domain is not merged into its parent)
        same = P.norm_key(src.name) == P.norm_key(org) or not _DOMAIN.fullmatch(org)
        return "outlet", src.name if same else org
    m = _agency_mark().match(org)
    if m:
        inner = table.resolve(m.group("name"))
        return "source", inner.name if inner else m.group("name").strip()
    if plausible_dateline_org(org):
        return "outlet", org
    return None


def _relay_target(rest: str, id_family: bool) -> str | None:
    """The outlet right after a relay formula, or None if what follows is not an outlet."""
    rest = rest.lstrip()
    table = P.alias_table()
    # "dilansir Reuters", "dilansir laman BBC", "via the Guardian": the outlet comes first
    rest = re.sub(r"^(?:the|laman|situs|media|kantor berita|portal berita|harian)\s+", "", rest, flags=re.I)
    found = table.find(rest[:80])
    if found and found[0][0] == 0:
        return found[0][2].name
    m = _DOMAIN.match(rest)
    if m:
        src = table.resolve(m.group(1))
        return src.name if src else m.group(1)
    if id_family:
        days = "|".join(re.escape(d) for d in P.merged("weekdays"))
        m = re.match(r"(?P<org>(?:[A-Z][\w.&'-]*\s?){1,4}?)\s*,\s*(?:" + days + r")\b", rest)
        if m and days:
            return m.group("org").strip()
    return None


def attribute(
    text: str, lang: str | None, dateline: str | None = None, bylines: list[str] | None = None
) -> Attribution:
    """Find the article's credited sources in a cleaned body (see module doc).

    ``dateline`` is the raw dateline that cleaning lifted off the first line; ``bylines`` are the
    byline lines it removed (an own-reporter byline naming another outlet credits that outlet)."""
    text = normalize_text(text)
    sl = scope_lang(lang)
    rx = _rx(sl)
    table = P.alias_table()
    sources, photos = _Names(), _Names()
    attribution_text: list[str] = []
    attribution_lines: list[str] = []
    removed: list[dict[str, str]] = []
    dateline_outlet: str | None = None
    id_family = (lang or "id") in ("id", "ms") or lang is None

    if dateline:
        attribution_text.append(dateline)
        org = _dateline_org(dateline)
        got = _classify_org(org) if org else None
        if got and got[0] == "source":
            sources.add(got[1])
        elif got:
            dateline_outlet = got[1]

    lines = [ln.strip() for ln in text.split("\n")]
    n = len(lines)
    drop = [False] * n
    content_idx = [i for i, ln in enumerate(lines) if ln]
    foot_start = content_idx[len(content_idx) // 2] if content_idx else 0
    end_marker = -1

    def credit(i: int, names: list[str], remove: bool, kind: str = "attribution") -> None:
        for nm in names:
            sources.add(nm)
        attribution_text.append(lines[i])
        if orig[i] not in attribution_lines:
            attribution_lines.append(orig[i])
        if remove:
            drop[i] = True
            removed.append({"kind": kind, "text": lines[i]})

    orig = list(lines)
    # header stamps: "<Agency> | Updated: <date>", "<Outlet> - 12 Mei 2024, 10:00 WIB"
    for i in content_idx[:4]:
        for srx in P.regexes("stamp_patterns", lang=sl):
            m = srx.fullmatch(lines[i])
            got = _classify_org(m.group("org")) if m else None
            if got and (table.resolve(m.group("org")) or _DOMAIN.fullmatch(m.group("org").strip())):
                if got[0] == "source":
                    credit(i, [got[1]], True, "stamp")
                elif dateline_outlet is None:
                    dateline_outlet = got[1]
                    credit(i, [], True, "stamp")
                break
        if drop[i]:
            continue
        line = lines[i]
        # byline stamp "<name> - <outlet>": the publisher (an agency there is a source)
        for brx in P.regexes("byline_stamps", 0, sl):
            m = brx.fullmatch(line)
            org = _known_or_domain(m.group("org")) if m and is_name_list(m.group("name"), 4) else None
            if org:
                got = _classify_org(m.group("org"))
                if got and got[0] == "source":
                    credit(i, [got[1]], True, "stamp")
                elif got and dateline_outlet is None:
                    dateline_outlet = got[1]
                    credit(i, [], True, "stamp")
                break
        if drop[i] or i not in content_idx[:3]:
            continue
        # "Dari Kompas.com" before the text
        for lrx in P.regexes("lead_credits", lang=sl):
            m = lrx.fullmatch(line)
            raw = m.group("org").strip() if m else ""
            name = _known_or_domain(raw) or (_resolve_name(raw) if _OUTLET_WORDS.match(raw) else None)
            if name:
                credit(i, [name], True, "lead_credit")
                break
        if drop[i]:
            continue
        # "(<Newspaper> <date>)" closing a reposted headline
        if len(line) <= 250 and is_headline_like(line, 250):
            for hrx in P.regexes("headline_credits", 0, sl):
                m = hrx.search(line)
                raw = m.group("org").strip() if m else ""
                # a place in brackets ("(Jakarta, 12/3/2024)") is no credit: known outlets only
                name = _known_or_domain(raw) or (_resolve_name(raw) if _OUTLET_WORDS.match(raw) else None)
                if name:
                    credit(i, [name], False)
                    lines[i] = line[: m.start()].rstrip()
                    break

    last_idx = set(content_idx[-3:])
    for i in content_idx:
        line = lines[i]
        if drop[i]:
            continue
        key = P.norm_key(line)
        # "Source link": a credit whose target is not named
        if key in P.line_keys("credit_no_target", sl):
            credit(i, [], True)
            continue
        # photo credits: whole line, then fragments appended to captions
        m = rx["photo_line"].match(line) or (len(line) <= 60 and rx["photo_word"].match(line))
        if m and len(line) <= 160:
            org = photo_org(m.group("val"))
            if org:
                photos.add(org)
                drop[i] = True
                removed.append({"kind": "photo_credit", "text": line})
                continue
        m = rx["photo_frag"].search(line)
        if m:
            org = photo_org(m.group("val"))
            if org:
                photos.add(org)
                lines[i] = line = line[: m.start()].rstrip(" |•")
        # writer tag "(Tribunnews.com/Andari Wulan Nugrahani)"
        m = _WRITER_TAG.match(line)
        if m:
            name = _resolve_name(m.group("org"))
            credit(i, [name] if name else [], True, "writer_tag")
            end_marker = max(end_marker, i)
            continue
        # "(REUTERS/Stringer)" appended to a caption, "[Photo/Xinhua]", "REUTERS/Name/File Photo"
        for fm in list(_SLASH_FRAG.finditer(line))[::-1]:
            parts = [p.strip() for p in fm.group("val").split("/")]
            if any(table.resolve(re.sub(r"\s+(?:photo|foto)$", "", p, flags=re.I)) for p in parts) or any(
                P.norm_key(p) in ("photo", "foto") for p in parts
            ):
                org = photo_org(fm.group("val"))
                if org:
                    photos.add(org)
                    line = (line[: fm.start()] + line[fm.end() :]).strip()
        m = _bare_photo().search(line)
        if m:
            org = photo_org(m.group("val"))
            if org:
                photos.add(org)
                line = line[: m.start()].strip()
        # "This photo provided by <A> ... [<B>]": both are photo credits
        for prx in P.regexes("photo_provided", lang=sl):
            m = prx.search(line)
            if m:
                photos.add(_resolve_name(m.group("a")) or m.group("a").strip())
                bm = re.search(r"[(\[](?P<b>[^()\[\]]{2,100})[)\]]\s*\.?$", line)
                org = photo_org(bm.group("b")) if bm else None
                if org:
                    photos.add(org)
                    lines[i] = line = line[: bm.start()].rstrip()
                break
        lines[i] = line
        if not line:
            drop[i] = True
            continue
        # credit line "SUMBER: ASHARQ AL-AWSAT, AFP"
        m = rx["credit_line"].match(line)
        if m and len(m.group("val")) <= 120:
            val = m.group("val")
            if _looks_photo_value(val):
                org = photo_org(val)
                if org:
                    photos.add(org)
                drop[i] = True
                removed.append({"kind": "photo_credit", "text": line})
                continue
            credit(i, _resolve_list(val), True, "credit_line")
            end_marker = max(end_marker, i)
            continue
        # "... pihak. (Sumber: Antara)"
        m = rx["credit_tail"].search(line)
        if m:
            credit(i, _resolve_list(m.group("val")), False)
            lines[i] = line = line[: m.start()].rstrip()
            end_marker = max(end_marker, i)
        # republication "Artikel ini telah tayang di Tribunnews.com dengan judul ..."
        for rrx in P.regexes("republish", lang=sl):
            m = rrx.search(line)
            if m:
                name = _resolve_name(m.group("org"))
                credit(i, [name] if name else [], m.start() < 3, "republish")
                break
        if drop[i]:
            end_marker = max(end_marker, i)
            continue
        # copyright / rights lines
        if rx["copyright"].match(line) and len(line) <= 200:
            holder = _YEARS.sub(" ", re.sub(r"(?i)copyright|all rights reserved|©|ⓒ|\(c\)", " ", line))
            found = [s for _, _, s in table.find(holder, strict_case=False)]
            if found:
                credit(i, [found[0].name], True, "copyright")
            else:
                drop[i] = True
                removed.append({"kind": "footer", "text": line})
            continue
        hit = False
        for crx in P.regexes("copyright_notices", lang=sl):
            m = crx.search(line)
            if m:
                name = _resolve_name(m.group("org"))
                credit(i, [name] if name else [], True, "copyright")
                hit = True
                break
        if hit:
            continue
        # bare agency line in the foot: "dpa", "(AFP)", "Reuters/AP"
        if i >= foot_start and len(line) <= 40:
            found = table.find(line)
            rest = line
            for s, e, _ in sorted(found, reverse=True):
                rest = rest[:s] + rest[e:]
            if (
                found
                and all(src.is_agency for _, _, src in found)
                and not re.sub(r"(?i)[\s()\[\]/,&.\-–—]|\band\b|\bund\b|\bdan\b", "", rest)
            ):
                credit(i, [src.name for _, _, src in found], True, "end_tag")
                end_marker = max(end_marker, i)
                continue
        # end tag appended to a paragraph: "... pihak. – Bernama", "... pandemia. EFE", "(Yonhap)"
        tag = _end_tag(line)
        if tag:
            name, cut = tag
            credit(i, [name], False)
            lines[i] = line = line[:cut].rstrip(" -–—")
            end_marker = max(end_marker, i)
        m = _CODED.search(line)
        if m:
            first = re.split(r"\s*/\s*", m.group("codes"))[0]
            name = table.code(first)
            if name:
                credit(i, [name], False)
                lines[i] = line = line[: m.start()].rstrip()
                end_marker = max(end_marker, i)
        # credit sentences "Material der Nachrichtenagenturen dpa, Reuters, ..."
        for csx in P.regexes("credit_sentences", lang=sl):
            m = csx.search(line)
            if m:
                names = _resolve_list(m.group("list"), known_only=True)
                if names:
                    whole = (m.end() - m.start()) >= 0.8 * len(line)
                    credit(i, names, whole)
                    if not whole:
                        lines[i] = (line[: m.start()] + line[m.end() :]).strip()
                    break
        if drop[i]:
            continue
        # relay formulas stay in the body: "seperti dilansir Reuters menuturkan ..."
        relay = P.combined("relay", lang=sl)
        for m in relay.finditer(line) if relay else ():
            name = _relay_target(line[m.end() :], id_family)
            if name:
                credit(i, [name], False)
        for rlx in P.regexes("relay_after", lang=sl):
            for m in rlx.finditer(line):
                name = _resolve_name(m.group("org"))
                if name:
                    credit(i, [name], False)
        # the closing credit "— <outlet>" and broadcast sign-offs
        if i in last_idx:
            for trx in P.regexes("tail_credits", 0, sl):
                m = trx.search(line)
                name = _known_or_domain(m.group("org")) if m else None
                if name:
                    whole = m.start() == 0
                    credit(i, [name], whole, "tail_credit")
                    if not whole:
                        lines[i] = line = line[: m.start()].rstrip()
                    end_marker = max(end_marker, i)
                    break
            if drop[i]:
                continue
        if i >= foot_start:
            for srx in P.regexes("signoffs", 0, sl):
                m = srx.search(line)
                if m:
                    org = _KO_NEWS.sub("", m.group("org").strip()) or m.group("org").strip()
                    name = _resolve_name(org)
                    if name:
                        credit(i, [name], m.start() == 0, "signoff")
                        if m.start() > 0:
                            lines[i] = line = line[: m.start()].rstrip()
                        end_marker = max(end_marker, i)
                    break
            if drop[i]:
                continue
        # Korean embedded photo captions carry their own agency dateline
        for erx in P.regexes("embedded_photo_patterns", 0, sl):
            for m in erx.finditer(line):
                if i == content_idx[0] and m.start() == 0:
                    continue
                if dateline and m.group(0).strip() == dateline.strip():
                    continue
                got = _classify_org(m.group("org"))
                if got:
                    photos.add(got[1])

    # own-reporter bylines naming another outlet credit that outlet ("By X, Associated Press")
    for b in bylines or []:
        for _, _, src in table.find(b):
            if dateline_outlet is None or P.norm_key(src.name) != P.norm_key(dateline_outlet):
                sources.add(src.name)
                attribution_text.append(b)
        for dm in _DOMAIN.finditer(b):
            dom = dm.group(1)
            src = table.resolve(dom)
            name = src.name if src else dom
            if dateline_outlet is None or P.norm_key(name) != P.norm_key(dateline_outlet):
                sources.add(name)

    # short unrelated headlines after the closing credit of the article are boilerplate
    if end_marker > (content_idx[0] if content_idx else 0):
        tail = [i for i in content_idx if i > end_marker and not drop[i]]
        if tail and len(tail) <= 12 and all(is_headline_like(lines[i], 200) for i in tail):
            for i in tail:
                drop[i] = True
                removed.append({"kind": "trailing_headline", "text": lines[i]})

    if dateline_outlet:
        sources.items = [s for s in sources.items if P.norm_key(s) != P.norm_key(dateline_outlet)]
    kept: list[str] = []
    for i, line in enumerate(lines):
        if drop[i]:
            continue
        if line:
            kept.append(line)
        elif kept and kept[-1]:
            kept.append("")
    is_wire = any((table.resolve(s) or P.Source(s, "outlet")).is_agency for s in sources.items)
    return Attribution(
        sources=sources.items,
        attribution_text=attribution_text,
        photo_credits=photos.items,
        dateline_outlet=dateline_outlet,
        is_wire_copy=is_wire,
        body="\n".join(kept).strip(),
        removed_segments=removed,
        attribution_lines=attribution_lines,
    )


def _end_tag(line: str) -> tuple[str, int] | None:
    """(agency, cut position) when the line ends with an agency tag after a sentence or a dash."""
    if len(line) < 30:
        return None
    tail_start = max(0, len(line) - 45)
    found = [f for f in P.alias_table().find(line[tail_start:]) if f[2].is_agency]
    if not found:
        return None
    start, end, src = found[-1]
    start += tail_start
    end += tail_start
    if not _TAIL_OK.match(line[end:]):
        return None
    before = line[:start].rstrip()
    opened = before.endswith(("(", "["))
    if opened:
        before = before[:-1].rstrip()
    # "... pihak. – Bernama" / "... -- ANTARA"; a dash inside a sentence ("названию – ТАСС") is no tag
    if re.search(r"(?:[.!?\"”»)’]\s*[-–—]{1,2}|[-–—]{2})$", before):
        cut = re.search(r"\s*[-–—]{1,2}$", before).start()
        return src.name, cut
    if before.endswith((".", "!", "?", '"', "”", "»", ")", "’")):
        return src.name, len(before)
    return None
