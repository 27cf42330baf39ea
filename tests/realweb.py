# ruff: noqa: E501 - fixture markup: long lines as real pages have them
"""Fixture news sites that behave like the real web, served on loopback for real `scrapy crawl` tests.

Four outlets, each its own HTTP server (its own port on 127.0.0.1 = its own host to the crawler):

* ``kabar`` — "Kabar Khatulistiwa", a WordPress site (Pontianak, WIB): permalinks ending in ``/``, a
  ``301`` to the slash form for a link without it, ``/?p=123`` shortlinks that ``301`` to the permalink,
  ``<link rel=shortlink>``, AMP twins at ``/slug/amp/`` (the feed links one of them), Yoast's JSON-LD
  ``@graph``, ``/feed/`` with ``<guid isPermaLink="false">…?p=N</guid>``, a Yoast sitemap index whose post
  sitemap has placeholder dates (``0001-01-01…+05:00``, ``9999-12-31…-05:00``) among good ones, a
  two-page post (``/slug/2/``) served as ``charset=ISO-8859-1`` although it is UTF-8, a post whose theme
  says ``og:type=website`` with only a JSON-LD ``WebPage`` (headline, author, date), a post with only a
  day-first meta date and an Indonesian visible date, a ``429`` with ``Retry-After`` (once), a redirect to
  another port of the same host, a category page (``CollectionPage``).
* ``warta`` — "Warta Nusantara", an aggregator on another port republishing ``kabar`` wire stories with
  ``rel=canonical`` pointing at the original outlet (legitimate for search engines; for the index a copy
  of its own).
* ``semenanjung`` — "Suara Semenanjung", an older Malay CMS served on ``localhost``: every page says
  ``og:type=website``, canonicals on ``www.localhost`` with tracking parameters, ``og:url`` with others,
  ``;jsessionid=`` on its links, day-first meta dates and ``5 Dis 2024`` in the page.
* ``lambat`` — "Pos Lambat", a small site whose robots.txt asks ``Crawl-delay: 86400``.

Every request is logged per site (``server.log``: path, time) so tests can assert what was fetched.
``Web.edit`` has the WordPress editor update a post (new body, ``dateModified``, sitemap ``<lastmod>``);
``Site.page_delay`` (for paths starting with ``Site.slow``) slows pages so a kill lands mid-crawl.
"""

from __future__ import annotations

import hashlib
import html
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from dataclasses import replace as dataclass_replace
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# --------------------------------------------------------------------------------------------- content


@dataclass
class Post:
    slug: str
    date: str  # YYYY/MM/DD (the permalink)
    pid: int  # WordPress post id (?p=)
    title: str
    author: str
    published: str  # ISO with offset
    paragraphs: list[str]
    category: str = "Daerah"
    extra_pages: list[list[str]] = field(default_factory=list)  # <!--nextpage--> parts
    modified: str | None = None  # an editor's update (Web.edit): dateModified, modified_time, sitemap lastmod

    @property
    def path(self) -> str:
        return f"/{self.date}/{self.slug}/"


KABAR_POSTS = [
    Post("banjir-surut-warga-sintang-mulai-bersih-bersih", "2024/12/05", 1201,
         "Banjir Surut, Warga Sintang Mulai Bersih-bersih Rumah", "Rina Apriani", "2024-12-05T10:15:00+07:00",
         ["SINTANG – Genangan air di sejumlah kelurahan di Kota Sintang mulai surut sejak Kamis (5/12/2024) pagi. "
          "Warga yang sempat mengungsi kembali ke rumah untuk membersihkan lumpur yang terbawa arus.",
          "Kepala Pelaksana BPBD Sintang, Yohanes Kurniawan, mengatakan ketinggian air di Kelurahan Kapuas "
          "Kanan Hulu turun dari sekitar satu meter menjadi 30 sentimeter dalam dua hari terakhir.",
          "“Kami masih menyiagakan perahu karet di tiga titik karena hujan diperkirakan turun lagi akhir "
          "pekan ini,” kata Yohanes kepada wartawan di posko pengungsian.",
          "Dinas Kesehatan setempat membuka layanan pemeriksaan gratis di posko untuk mengantisipasi penyakit "
          "kulit dan diare yang kerap muncul setelah banjir surut.",
          "Sebanyak 1.240 rumah terdampak banjir yang melanda sejak Senin lalu, menurut data sementara BPBD."]),
    Post("harga-cabai-di-pasar-flamboyan-turun", "2024/12/05", 1198,
         "Harga Cabai di Pasar Flamboyan Turun Jelang Akhir Tahun", "Dedi Saputra", "2024-12-05T08:30:00+07:00",
         ["PONTIANAK – Harga cabai rawit di Pasar Flamboyan Pontianak turun menjadi Rp45.000 per kilogram "
          "pada Kamis pagi, setelah sepekan sebelumnya sempat menyentuh Rp70.000.",
          "Sejumlah pedagang menyebut pasokan dari Singkawang dan Mempawah kembali lancar setelah jalan yang "
          "sempat tergenang kini bisa dilalui truk pengangkut.",
          "“Pembeli mulai ramai lagi, biasanya menjelang Natal dan tahun baru permintaan naik,” ujar Sulastri, "
          "pedagang yang sudah berjualan di pasar itu selama dua puluh tahun.",
          "Dinas Perindustrian dan Perdagangan Kota Pontianak memantau harga bahan pokok setiap hari dan "
          "menyiapkan operasi pasar bila harga kembali melonjak."], category="Ekonomi"),
    Post("ibu-kota-nusantara-memasuki-tahap-kedua", "2024/12/04", 1190,
         "Ibu Kota Nusantara Memasuki Tahap Kedua Pembangunan", "Rina Apriani", "",
         ["PONTIANAK – Pemerintah memastikan pembangunan Ibu Kota Nusantara memasuki tahap kedua pada 2025, "
          "dengan fokus pada kawasan legislatif dan yudikatif serta jaringan transportasi dari Balikpapan.",
          "Menurut Otorita IKN, anggaran tahap kedua akan menggabungkan dana APBN dan skema kerja sama "
          "pemerintah dengan badan usaha — “porsinya masih dihitung,” kata juru bicara otorita.",
          "Pengusaha konstruksi di Kalimantan Barat berharap ikut mendapat bagian pekerjaan, terutama untuk "
          "pasokan material seperti pasir, batu, dan kayu olahan."],
         category="Nasional",
         extra_pages=[["Di sisi lain, kalangan akademisi mengingatkan agar pembangunan tidak mengabaikan "
                       "kawasan hutan dan masyarakat adat di sekitar lokasi — “daya dukung lingkungan harus "
                       "menjadi batas,” kata peneliti Universitas Tanjungpura.",
                       "Otorita menyatakan 65 persen wilayah IKN tetap dipertahankan sebagai kawasan hijau, "
                       "sesuai rencana induk yang disahkan melalui undang-undang."]]),
    Post("dprd-kalbar-setujui-apbd-2025", "2024/12/03", 1175,
         "DPRD Kalbar Setujui APBD 2025 Sebesar Rp6,4 Triliun", "Antara", "2024-12-03T14:05:00+07:00",
         ["PONTIANAK – Dewan Perwakilan Rakyat Daerah Kalimantan Barat menyetujui Rancangan Anggaran "
          "Pendapatan dan Belanja Daerah 2025 sebesar Rp6,4 triliun dalam rapat paripurna, Selasa.",
          "Ketua DPRD Kalbar mengatakan anggaran pendidikan dan kesehatan mendapat porsi terbesar, masing-"
          "masing lebih dari 20 persen dan 10 persen dari total belanja.",
          "Penjabat Gubernur Kalimantan Barat menyampaikan terima kasih atas persetujuan dewan dan meminta "
          "organisasi perangkat daerah segera menyusun dokumen pelaksanaan anggaran.",
          "Fraksi-fraksi di DPRD memberi catatan agar belanja infrastruktur jalan di kawasan perbatasan "
          "dipercepat, terutama ruas yang menghubungkan Entikong dan Sanggau."], category="Politik"),
    Post("cuaca-ekstrem-diprediksi-hingga-akhir-desember", "2024/12/05", 1204,
         "BMKG: Cuaca Ekstrem di Kalbar Diprediksi hingga Akhir Desember", "Dedi Saputra",
         "2024-12-05T13:40:00+07:00",
         ["PONTIANAK – Badan Meteorologi, Klimatologi, dan Geofisika memperkirakan hujan lebat disertai angin "
          "kencang masih akan terjadi di sebagian besar wilayah Kalimantan Barat hingga akhir Desember.",
          "Prakirawan BMKG Stasiun Supadio mengimbau nelayan di pesisir Kayong Utara dan Ketapang menunda "
          "melaut bila gelombang di atas dua meter.",
          "Pemerintah kabupaten diminta menyiapkan posko siaga bencana dan memeriksa tanggul di daerah "
          "aliran sungai yang rawan meluap."]),
    Post("festival-budaya-tionghoa-singkawang", "2024/12/02", 1160,
         "Festival Budaya di Singkawang Dibuka, Ribuan Pengunjung Padati Alun-alun", "Maria Goretti",
         "2024-12-02T19:00:00+07:00",
         ["SINGKAWANG – Festival budaya tahunan di Singkawang dibuka Senin malam dengan parade lampion dan "
          "pertunjukan barongsai yang memadati alun-alun kota.",
          "Wali Kota Singkawang menyebut festival ini menjadi agenda wisata yang menarik pengunjung dari "
          "Malaysia dan Brunei Darussalam.",
          "Panitia menyiapkan kantong parkir di tiga lokasi dan menambah petugas kebersihan selama sepekan "
          "rangkaian acara berlangsung."], category="Budaya"),
]
KABAR_POSTS.append(
    Post("pelabuhan-dwikora-tambah-dermaga", "2024/12/01", 1150,
         "Pelabuhan Dwikora Tambah Dermaga untuk Kapal Kontainer", "Dedi Saputra", "2024-12-01T09:10:00+07:00",
         ["PONTIANAK – Pelabuhan Dwikora menambah satu dermaga sepanjang 120 meter untuk melayani kapal "
          "kontainer yang selama ini harus antre di alur Sungai Kapuas.",
          "General manager pelabuhan mengatakan dermaga baru dapat melayani dua kapal sekaligus dan "
          "memangkas waktu tunggu bongkar muat hingga separuhnya.",
          "Pengusaha ekspor karet dan kelapa sawit menyambut baik tambahan dermaga itu karena biaya "
          "penyimpanan di gudang pelabuhan ikut turun."], category="Ekonomi"))
SITEMAP_ONLY = "pelabuhan-dwikora-tambah-dermaga"  # in the post sitemap, next to the junk-dated entries
# in the post sitemap only, with placeholder dates: dropped (counted), never the whole sitemap
KABAR_JUNK_DATED = [
    Post("arsip-lomba-sampan-kapuas", "2024/11/29", 1101, "Arsip: Lomba Sampan Kapuas", "Redaksi",
         "2024-11-29T09:00:00+07:00", ["Lomba sampan tradisional kembali digelar di Sungai Kapuas. " * 3]),
    Post("arsip-pameran-tenun-sambas", "2024/11/28", 1099, "Arsip: Pameran Tenun Sambas", "Redaksi",
         "2024-11-28T09:00:00+07:00", ["Pameran tenun ikat Sambas dibuka di gedung pameran kota. " * 3]),
]
KABAR = {p.slug: p for p in KABAR_POSTS + KABAR_JUNK_DATED}
AMP_IN_FEED = "banjir-surut-warga-sintang-mulai-bersih-bersih"  # the feed links this post's AMP twin
# the post whose body links the rate-limited post (without the slash) and the WebPage-only one (?p=): one
# found only by its permalink (a post known through its AMP twin first is never fetched at its permalink)
BACA_JUGA_IN = "festival-budaya-tionghoa-singkawang"
WEBPAGE_ONLY = "harga-cabai-di-pasar-flamboyan-turun"  # og:type=website, JSON-LD WebPage only
MULTIPAGE = "ibu-kota-nusantara-memasuki-tahap-kedua"  # two pages, charset=ISO-8859-1 on UTF-8 bytes
WIRE_STORY = "dprd-kalbar-setujui-apbd-2025"  # republished by warta
RATE_LIMITED = "cuaca-ekstrem-diprediksi-hingga-akhir-desember"  # 429 Retry-After once
MOVED = "/2024/12/01/kantor-redaksi-pindah/"  # 301 to another port of the same host


@dataclass
class Copy:
    path: str
    original: str  # kabar slug
    title: str
    dateline: str


WARTA_COPIES = [
    Copy("/berita/d-7712045/dprd-kalbar-setujui-apbd-2025-rp64-triliun", WIRE_STORY,
         "DPRD Kalbar Setujui APBD 2025 Rp6,4 Triliun", "Pontianak (ANTARA) - "),
    Copy("/berita/d-7712311/banjir-di-sintang-mulai-surut", "banjir-surut-warga-sintang-mulai-bersih-bersih",
         "Banjir di Sintang Mulai Surut, Warga Kembali ke Rumah", "Sintang (ANTARA) - "),
]
WARTA_OWN = ("/berita/d-7712399/kereta-cepat-tambah-jadwal-libur-natal",
             "Kereta Cepat Tambah Jadwal Perjalanan Selama Libur Natal", "2024-12-05T16:20:00+07:00",
             ["JAKARTA - Operator kereta cepat Jakarta-Bandung menambah delapan perjalanan per hari selama "
              "masa libur Natal dan tahun baru untuk melayani lonjakan penumpang.",
              "Direktur utama perusahaan mengatakan tiket untuk tanggal 24 dan 25 Desember sudah terjual lebih "
              "dari 80 persen sejak dibuka pekan lalu.",
              "Penumpang diimbau datang ke stasiun paling lambat 30 menit sebelum keberangkatan karena "
              "pemeriksaan tiket dan bagasi diperketat selama periode libur."])


@dataclass
class Berita:
    slug: str
    date: str  # YYYY/MM/DD
    title: str
    meta_date: str  # day-first, as the CMS writes it
    visible_date: str
    paragraphs: list[str]
    webpage_ld: bool = False

    @property
    def path(self) -> str:
        return f"/berita/{self.date}/{self.slug}"


SEMENANJUNG_POSTS = [
    Berita("banjir-kelantan-mangsa-di-pps-meningkat", "2024/12/05", "Banjir: Mangsa di PPS Kelantan Meningkat",
           "05/12/2024 10:15", "Khamis, 5 Dis 2024 10:15 PG",
           ["KOTA BHARU: Jumlah mangsa banjir di Kelantan yang ditempatkan di pusat pemindahan sementara (PPS) "
            "meningkat kepada 12,400 orang pagi ini berbanding 9,800 orang malam tadi.",
            "Jawatankuasa Pengurusan Bencana Negeri memaklumkan sebanyak 96 PPS dibuka di tujuh jajahan, "
            "dengan Pasir Mas dan Tumpat mencatatkan jumlah mangsa tertinggi.",
            "Jabatan Meteorologi Malaysia mengeluarkan amaran hujan berterusan tahap bahaya bagi Kelantan "
            "dan Terengganu sehingga Sabtu ini.",
            "Orang ramai dinasihatkan mengikuti arahan pihak berkuasa dan tidak menghampiri kawasan sungai."]),
    Berita("harga-minyak-sawit-naik-hari-ketiga", "2024/12/04", "Harga Minyak Sawit Naik Hari Ketiga",
           "04/12/2024 18:40", "Rabu, 4 Dis 2024 6:40 PTG",
           ["KUALA LUMPUR: Harga niaga hadapan minyak sawit mentah di Bursa Malaysia Derivatives ditutup "
            "tinggi bagi hari ketiga berturut-turut, didorong permintaan dari India.",
            "Kontrak penanda aras bagi penghantaran Februari naik 1.2 peratus kepada RM4,890 setan, menurut "
            "seorang peniaga minyak sayuran.",
            "Pengeluaran yang lebih rendah akibat musim tengkujuh di Sabah dan Sarawak turut menyokong harga, "
            "katanya."], webpage_ld=True),
]


# --------------------------------------------------------------------------------------------- markup

def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _wp_page(base: str, post: Post, body_html: str, *, og_type: str = "article", graph: list[dict] | None = None,
             extra_head: str = "", time_html: str | None = None, meta_date: bool = True) -> str:
    url = base + post.path
    graph = graph if graph is not None else _yoast_graph(base, post)
    published = (f'<meta property="article:published_time" content="{post.published}" />'
                 if meta_date and post.published else "")
    if post.modified:
        published += f'\n<meta property="article:modified_time" content="{post.modified}" />'
    when = time_html or (f'<time class="entry-date published" datetime="{post.published}">'
                         f'{post.published[8:10]}/{post.published[5:7]}/{post.published[:4]}</time>')
    recent = "".join(f'<li><a href="{base}{p.path}">{_e(p.title)}</a></li>' for p in KABAR_POSTS[:5]
                     if p.slug not in (post.slug, WEBPAGE_ONLY, RATE_LIMITED))
    return f"""<!DOCTYPE html>
<html lang="id-ID">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(post.title)} &#8211; Kabar Khatulistiwa</title>
<meta name="robots" content="index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1" />
<link rel="canonical" href="{url}" />
<meta property="og:locale" content="id_ID" />
<meta property="og:type" content="{og_type}" />
<meta property="og:title" content="{_e(post.title)}" />
<meta property="og:url" content="{url}" />
<meta property="og:site_name" content="Kabar Khatulistiwa" />
{published}
<meta name="author" content="{_e(post.author)}" />
<script type="application/ld+json" class="yoast-schema-graph">{json.dumps({"@context": "https://schema.org",
                                                                          "@graph": graph})}</script>
<link rel="alternate" type="application/rss+xml" title="Kabar Khatulistiwa &raquo; Feed" href="{base}/feed/" />
<link rel="alternate" type="application/rss+xml" title="Kabar Khatulistiwa &raquo; {_e(post.title)} Umpan Komentar"
 href="{url}feed/" />
<link rel='shortlink' href='{base}/?p={post.pid}' />
<link rel="amphtml" href="{url}amp/">
{extra_head}
<link rel='stylesheet' id='generatepress-style-css' href='{base}/wp-content/themes/generatepress/style.min.css?ver=3.4.0'
 media='all' />
</head>
<body class="post-template-default single single-post postid-{post.pid} single-format-standard">
<a class="skip-link screen-reader-text" href="#content">Langsung ke konten</a>
<header class="site-header" id="masthead"><div class="inside-header">
<p class="main-title"><a href="{base}/" rel="home">Kabar Khatulistiwa</a></p>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">
<li><a href="{base}/">Beranda</a></li><li><a href="{base}/category/daerah/">Daerah</a></li>
<li><a href="{base}/category/ekonomi/">Ekonomi</a></li><li><a href="{base}/redaksi/">Redaksi</a></li>
</ul></nav></div></header>
<div class="site grid-container container" id="page"><div class="site-content" id="content">
<div class="content-area" id="primary"><main class="site-main" id="main">
<article id="post-{post.pid}" class="post-{post.pid} post type-post status-publish format-standard hentry
 category-{post.category.lower()}">
<div class="inside-article">
<header class="entry-header"><h1 class="entry-title">{_e(post.title)}</h1>
<div class="entry-meta"><span class="posted-on">{when}</span> <span class="byline">oleh
 <span class="author vcard"><a class="url fn n" href="{base}/author/{post.author.split()[0].lower()}/">
 {_e(post.author)}</a></span></span></div></header>
<div class="entry-content">
{body_html}
</div>
<footer class="entry-meta"><span class="cat-links">Kategori: <a href="{base}/category/{post.category.lower()}/"
 rel="category tag">{post.category}</a></span></footer>
</div></article>
<div class="share"><a href="https://www.facebook.com/sharer/sharer.php?u={url}">Facebook</a>
<a href="https://api.whatsapp.com/send?text={url}">WhatsApp</a></div>
<div id="comments"><div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">
Tinggalkan Balasan</h3><form action="{base}/wp-comments-post.php" method="post" id="commentform"></form>
</div></div>
</main></div>
<div class="widget-area sidebar is-right-sidebar" id="right-sidebar"><aside id="recent-posts-2"
 class="widget inner-padding widget_recent_entries"><h2 class="widget-title">Berita Terbaru</h2><ul>{recent}</ul>
</aside></div></div></div>
<div class="site-footer"><footer class="site-info"><div class="copyright-bar">&copy; 2024 Kabar Khatulistiwa
 &bull; Dibangun dengan GeneratePress</div></footer></div>
</body>
</html>
"""


def _yoast_graph(base: str, post: Post, article_type: str = "NewsArticle") -> list[dict[str, Any]]:
    url = base + post.path
    webpage = {"@type": "WebPage", "@id": url, "url": url, "name": f"{post.title} - Kabar Khatulistiwa",
               "isPartOf": {"@id": f"{base}/#website"}, "datePublished": post.published, "inLanguage": "id",
               "breadcrumb": {"@id": f"{url}#breadcrumb"}}
    graph: list[dict[str, Any]] = []
    if article_type:
        graph.append({"@type": article_type, "@id": f"{url}#article", "isPartOf": {"@id": url},
                      "author": {"name": post.author, "@id": f"{base}/#/schema/person/{post.pid}"},
                      "headline": post.title, "datePublished": post.published,
                      "dateModified": post.modified or post.published, "mainEntityOfPage": {"@id": url}, "publisher": {"@id": f"{base}/#organization"},
                      "articleSection": [post.category], "inLanguage": "id"})
    graph += [webpage,
              {"@type": "BreadcrumbList", "@id": f"{url}#breadcrumb", "itemListElement": [
                  {"@type": "ListItem", "position": 1, "name": "Beranda", "item": f"{base}/"},
                  {"@type": "ListItem", "position": 2, "name": post.title}]},
              {"@type": "WebSite", "@id": f"{base}/#website", "url": f"{base}/", "name": "Kabar Khatulistiwa",
               "publisher": {"@id": f"{base}/#organization"}, "inLanguage": "id"},
              {"@type": "Organization", "@id": f"{base}/#organization", "name": "Kabar Khatulistiwa",
               "url": f"{base}/"}]
    if article_type:
        graph.append({"@type": "Person", "@id": f"{base}/#/schema/person/{post.pid}", "name": post.author})
    return graph


def _paragraphs(paras: list[str]) -> str:
    return "\n".join(f"<p>{_e(p)}</p>" for p in paras)


def kabar_post(base: str, post: Post, page: int = 1) -> str:
    paras = post.paragraphs if page == 1 else post.extra_pages[page - 2]
    body = _paragraphs(paras[:2])
    if page == 1 and post.slug == BACA_JUGA_IN:
        # an editor's "Baca juga" typed without the trailing slash, and a pasted shortlink
        body += (f'\n<p><strong>Baca juga:</strong> <a href="{base}/2024/12/05/cuaca-ekstrem-diprediksi-hingga-'
                 f'akhir-desember">BMKG: Cuaca Ekstrem di Kalbar Diprediksi hingga Akhir Desember</a></p>'
                 f'\n<p><strong>Baca juga:</strong> <a href="{base}/?p=1198">Harga Cabai Turun</a></p>')
    body += "\n" + _paragraphs(paras[2:])
    if post.extra_pages:
        links = " ".join(f'<a href="{base}{post.path}{n}/" class="post-page-numbers">{n}</a>' if n != page
                         else f'<span class="post-page-numbers current" aria-current="page">{n}</span>'
                         for n in range(1, len(post.extra_pages) + 2))
        links = links.replace(f'href="{base}{post.path}1/"', f'href="{base}{post.path}"')
        body += f'\n<div class="page-links">Halaman: {links}</div>'
    if post.slug == WEBPAGE_ONLY:  # a theme that says "website" everywhere; Yoast without the Article piece
        graph = _yoast_graph(base, post, article_type="")
        graph[0].update({"headline": post.title, "author": {"@type": "Person", "name": post.author}})
        return _wp_page(base, post, body, og_type="website", graph=graph)
    if post.slug == MULTIPAGE:  # no JSON-LD dates; a day-first meta date and an Indonesian visible one
        graph = _yoast_graph(base, post)
        for node in graph:
            node.pop("datePublished", None)
            node.pop("dateModified", None)
        return _wp_page(base, post, body, graph=graph, meta_date=False,
                        extra_head='<meta name="publishdate" content="04/12/2024 19:30" />',
                        time_html='<span class="entry-date">Rabu, 04 Desember 2024 19:30 WIB</span>')
    return _wp_page(base, post, body)


def kabar_amp(base: str, post: Post) -> str:
    url = base + post.path
    ld = {"@context": "http://schema.org", "@type": "BlogPosting", "mainEntityOfPage": url,
          "publisher": {"@type": "Organization", "name": "Kabar Khatulistiwa"}, "headline": post.title,
          "datePublished": post.published, "dateModified": post.modified or post.published,
          "author": {"@type": "Person", "name": post.author}}
    return f"""<!doctype html>
<html amp lang="id-ID">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{_e(post.title)} &#8211; Kabar Khatulistiwa</title>
<link rel="canonical" href="{url}" />
<script type="application/ld+json">{json.dumps(ld)}</script>
<script async src="https://cdn.ampproject.org/v0.js"></script>
<style amp-boilerplate>body{{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both}}</style>
<style amp-custom>.amp-wp-article{{color:#353535;font-weight:400;margin:1.5em auto;max-width:840px}}</style>
</head>
<body class="">
<header id="top" class="amp-wp-header"><div><a href="{base}/"><span class="amp-site-title">Kabar Khatulistiwa</span></a>
</div></header>
<article class="amp-wp-article">
<header class="amp-wp-article-header"><h1 class="amp-wp-title">{_e(post.title)}</h1>
<div class="amp-wp-meta amp-wp-byline"><span class="amp-wp-author author vcard">{_e(post.author)}</span></div>
</header>
<div class="amp-wp-article-content">{_paragraphs(post.paragraphs)}</div>
<footer class="amp-wp-article-footer"><div class="amp-wp-meta amp-wp-comments-link">
<a href="{url}#respond">Tinggalkan komentar</a></div></footer>
</article>
<footer class="amp-wp-footer"><div><h2>Kabar Khatulistiwa</h2><a href="#top" class="back-to-top">Kembali ke atas</a>
</div></footer>
</body></html>
"""


def kabar_home(base: str) -> str:
    cards = "".join(
        f'<article class="post type-post"><h2 class="entry-title"><a href="{base}{p.path}" rel="bookmark">'
        f'{_e(p.title)}</a></h2><div class="entry-summary"><p>{_e(p.paragraphs[0][:140])}&hellip;</p></div>'
        f'<a class="read-more" href="{base}{p.path}">Selengkapnya</a></article>'
        for p in KABAR_POSTS if p.slug not in (WEBPAGE_ONLY, RATE_LIMITED, SITEMAP_ONLY))
    graph = [{"@type": "CollectionPage", "@id": f"{base}/", "url": f"{base}/", "name": "Kabar Khatulistiwa"},
             {"@type": "WebSite", "@id": f"{base}/#website", "url": f"{base}/", "name": "Kabar Khatulistiwa"}]
    return f"""<!DOCTYPE html><html lang="id-ID"><head><meta charset="UTF-8">
<title>Kabar Khatulistiwa &#8211; Berita Kalimantan Barat Terkini</title>
<link rel="canonical" href="{base}/" /><meta property="og:type" content="website" />
<script type="application/ld+json" class="yoast-schema-graph">{json.dumps({"@context": "https://schema.org",
                                                                          "@graph": graph})}</script>
</head><body class="home blog">
<header class="site-header"><p class="main-title"><a href="{base}/" rel="home">Kabar Khatulistiwa</a></p>
<nav><ul><li><a href="{base}/category/daerah/">Daerah</a></li><li><a href="{base}/category/ekonomi">Ekonomi</a></li>
<li><a href="{base}/wp-login.php">Masuk</a></li></ul></nav></header>
<main class="site-main">{cards}
<a href="{base}{MOVED}">Kantor redaksi pindah</a>
<nav class="navigation paging-navigation"><a class="next page-numbers" href="{base}/page/2/">Berikutnya</a></nav>
</main>
<footer class="site-info">&copy; 2024 Kabar Khatulistiwa</footer></body></html>
"""


def kabar_category(base: str, name: str) -> str:
    posts = [p for p in KABAR_POSTS if p.category.lower() == name and p.slug not in (WEBPAGE_ONLY, SITEMAP_ONLY, RATE_LIMITED)]
    items = "".join(f'<article><h2><a href="{base}{p.path}">{_e(p.title)}</a></h2></article>' for p in posts)
    graph = [{"@type": "CollectionPage", "@id": f"{base}/category/{name}/", "name": name.title()}]
    return (f'<!DOCTYPE html><html lang="id-ID"><head><meta charset="UTF-8"><title>{name.title()} &#8211; '
            f'Kabar Khatulistiwa</title><script type="application/ld+json">'
            f'{json.dumps({"@context": "https://schema.org", "@graph": graph})}</script></head>'
            f'<body class="archive category"><main><h1 class="page-title">Kategori: {name.title()}</h1>{items}'
            f'</main></body></html>')


def kabar_feed(base: str, edits: dict[str, Post] | None = None) -> str:
    items = []
    for p in KABAR_POSTS:
        if p.slug in (WEBPAGE_ONLY, RATE_LIMITED, SITEMAP_ONLY):  # found only another way
            continue
        p = (edits or {}).get(p.slug, p)  # an edit changes the excerpt, not the pubDate (as WordPress does)
        link = f"{base}{p.path}amp/" if p.slug == AMP_IN_FEED else f"{base}{p.path}"
        items.append(f"""<item>
<title>{_e(p.title)}</title>
<link>{link}</link>
<comments>{base}{p.path}#respond</comments>
<dc:creator><![CDATA[{p.author}]]></dc:creator>
<pubDate>{_rfc822(p.published or "2024-12-04T19:30:00+07:00")}</pubDate>
<category><![CDATA[{p.category}]]></category>
<guid isPermaLink="false">{base}/?p={p.pid}</guid>
<description><![CDATA[{p.paragraphs[0][:160]} [&#8230;]]]></description>
<wfw:commentRss>{base}{p.path}feed/</wfw:commentRss>
<slash:comments>0</slash:comments>
</item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"
 xmlns:sy="http://purl.org/rss/1.0/modules/syndication/" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel>
<title>Kabar Khatulistiwa</title>
<atom:link href="{base}/feed/" rel="self" type="application/rss+xml" />
<link>{base}</link>
<description>Berita Kalimantan Barat Terkini</description>
<lastBuildDate>Thu, 05 Dec 2024 06:40:00 +0000</lastBuildDate>
<language>id</language>
<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>1</sy:updateFrequency>
<generator>https://wordpress.org/?v=6.7.1</generator>
{"".join(items)}
</channel></rss>
"""


def _rfc822(iso: str) -> str:
    from datetime import datetime

    return formatdate(datetime.fromisoformat(iso).timestamp(), usegmt=False).replace("-0000", "+0000")


def kabar_sitemap_index(base: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" href="{base}/main-sitemap.xsl"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base}/post-sitemap.xml</loc><lastmod>2024-12-05T06:40:00+00:00</lastmod></sitemap>
<sitemap><loc>{base}/category-sitemap.xml</loc><lastmod>2024-12-05T06:40:00+00:00</lastmod></sitemap>
</sitemapindex>
"""


def kabar_post_sitemap(base: str, edits: dict[str, Post] | None = None) -> str:
    rows = [f"<url><loc>{base}/</loc><lastmod>2024-12-05T06:40:00+00:00</lastmod></url>"]
    for p in KABAR_POSTS:
        if p.slug in (WEBPAGE_ONLY, RATE_LIMITED):
            continue
        p = (edits or {}).get(p.slug, p)
        lastmod = p.modified or p.published or "2024-12-04T19:30:00+07:00"
        rows.append(f"<url><loc>{base}{p.path}</loc><lastmod>{lastmod}</lastmod></url>")
    junk = ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"]
    rows += [f"<url><loc>{base}{p.path}</loc><lastmod>{d}</lastmod></url>" for p, d in zip(KABAR_JUNK_DATED, junk,
                                                                                         strict=True)]
    return (f'<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" href="{base}/main-sitemap.xsl"?>'
            f'\n<urlset xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1" '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + "\n".join(rows) + "\n</urlset>\n")


def kabar_category_sitemap(base: str) -> str:
    rows = "".join(f"<url><loc>{base}/category/{c}/</loc><lastmod>2024-12-05T06:40:00+00:00</lastmod></url>"
                   for c in ("daerah", "ekonomi"))
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'


def warta_page(base: str, kabar_base: str, path: str, title: str, published: str, paragraphs: list[str],
               canonical: str | None) -> str:
    url = base + path
    canon = canonical or url
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
          "mainEntityOfPage": {"@type": "WebPage", "@id": canon}, "datePublished": published,
          "author": {"@type": "Organization", "name": "Antara" if canonical else "Warta Nusantara"},
          "publisher": {"@type": "Organization", "name": "Warta Nusantara"}}
    others = "".join(f'<li><a href="{base}{c.path}">{_e(c.title)}</a></li>' for c in WARTA_COPIES if c.path != path)
    return f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>{_e(title)} | Warta Nusantara</title>
<meta name="description" content="{_e(paragraphs[0][:150])}">
<link rel="canonical" href="{canon}">
<meta property="og:type" content="article"><meta property="og:url" content="{url}">
<meta property="og:title" content="{_e(title)}"><meta property="og:site_name" content="Warta Nusantara">
<meta name="publishdate" content="{published[:10]} {published[11:19]}">
<script type="application/ld+json">{json.dumps(ld)}</script>
</head><body>
<div class="header"><a href="{base}/"><img src="{base}/assets/logo.png" alt="Warta Nusantara"></a>
<ul class="nav"><li><a href="{base}/berita/">Berita</a></li><li><a href="{base}/ekonomi/">Ekonomi</a></li></ul></div>
<div class="detail">
<h1 class="detail__title">{_e(title)}</h1>
<div class="detail__author">{"Antara" if canonical else "Tim Warta"} - wartanusantara</div>
<div class="detail__date">{published[8:10]}/{published[5:7]}/{published[:4]} {published[11:16]} WIB</div>
<div class="detail__body-text itp_bodycontent">{_paragraphs(paragraphs)}</div>
<div class="detail__body-tag"><a href="{base}/tag/kalbar">kalbar</a></div>
</div>
<div class="list-content"><h3>Berita Terkait</h3><ul>{others}</ul></div>
<div class="footer">Copyright &copy; 2024 Warta Nusantara. All rights reserved.</div>
</body></html>
"""


def warta_home(base: str) -> str:
    links = "".join(f'<article class="list-content__item"><h3><a href="{base}{c.path}">{_e(c.title)}</a></h3>'
                    f'</article>' for c in WARTA_COPIES)
    links += f'<article class="list-content__item"><h3><a href="{base}{WARTA_OWN[0]}">{_e(WARTA_OWN[1])}</a></h3></article>'
    return (f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>Warta Nusantara - Berita Terkini'
            f'</title><meta property="og:type" content="website"></head><body><div class="list-content">{links}'
            f'</div></body></html>')


def semenanjung_page(base: str, www: str, post: Berita) -> str:
    url = base + post.path
    ld = ""
    if post.webpage_ld:
        ld = ('<script type="application/ld+json">' + json.dumps({
            "@context": "https://schema.org", "@type": "WebPage", "headline": post.title,
            "author": {"@type": "Person", "name": "Wartawan Suara"}, "datePublished": post.meta_date,
            "inLanguage": "ms-MY"}) + "</script>")
    others = "".join(f'<li><a href="{base}{p.path};jsessionid={_session(p.slug)}">{_e(p.title)}</a></li>'
                     for p in SEMENANJUNG_POSTS if p.slug != post.slug)
    return f"""<!DOCTYPE html>
<html lang="ms">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>{_e(post.title)} - Suara Semenanjung</title>
<link rel="canonical" href="{www}{post.path}?utm_source=laman&amp;utm_medium=web">
<meta property="og:type" content="website">
<meta property="og:url" content="{url}?utm_source=facebook&amp;utm_medium=social&amp;fbclid=IwAR0x">
<meta property="og:title" content="{_e(post.title)}">
<meta name="date" content="{post.meta_date}">
{ld}
</head>
<body>
<div id="header"><a href="{base}/;jsessionid={_session('home')}">Suara Semenanjung</a>
<a href="{base}/semasa;jsessionid={_session('semasa')}">Semasa</a></div>
<div id="content">
<article class="berita">
<h1>{_e(post.title)}</h1>
<div class="tarikh">{post.visible_date}</div>
<div class="isi-berita">{_paragraphs(post.paragraphs)}</div>
</article>
<div class="berita-lain"><h3>Berita Lain</h3><ul>{others}</ul></div>
</div>
<div id="footer">Hak Cipta Terpelihara &copy; 2024 Suara Semenanjung</div>
</body></html>
"""


def _session(seed: str) -> str:
    return hashlib.md5(seed.encode()).hexdigest().upper()  # noqa: S324 - a fake session id


def semenanjung_home(base: str) -> str:
    links = "".join(f'<li><a href="{base}{p.path};jsessionid={_session(p.slug + "h")}">{_e(p.title)}</a></li>'
                    for p in SEMENANJUNG_POSTS)
    return (f'<!DOCTYPE html><html lang="ms"><head><meta charset="UTF-8"><title>Suara Semenanjung</title>'
            f'<meta property="og:type" content="website"></head><body><ul class="terkini">{links}</ul></body></html>')


def semenanjung_feed(base: str) -> str:
    items = "".join(f"<item><title>{_e(p.title)}</title><link>{base}{p.path}?utm_source=rss&amp;utm_medium=feed</link>"
                    f"<pubDate>{_rfc822(_dmy_iso(p.meta_date))}</pubDate></item>" for p in SEMENANJUNG_POSTS)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Suara Semenanjung - Terkini'
            f'</title><link>{base}/</link><language>ms</language>{items}</channel></rss>')


def _dmy_iso(dmy: str) -> str:
    day, month, rest = dmy.split("/", 2)
    year, clock = rest.split(" ")
    return f"{year}-{month}-{day}T{clock}:00+08:00"


LAMBAT_POSTS = [(f"/artikel/{n}/kabar-desa-{n}", f"Kabar Desa Nomor {n}") for n in range(1, 4)]


def lambat_page(base: str, path: str, title: str) -> str:
    text = ("Warga desa bergotong royong memperbaiki jembatan kayu yang rusak diterjang arus sungai pekan lalu. "
            "Kepala desa mengatakan perbaikan ditargetkan selesai sebelum musim tanam dimulai. ") * 3
    return (f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f'<meta property="og:type" content="article">'
            f'<meta property="article:published_time" content="2024-12-05T08:00:00+07:00"></head>'
            f'<body><article><h1>{_e(title)}</h1><p>{text}</p></article></body></html>')


# --------------------------------------------------------------------------------------------- servers

Route = Callable[["Handler", dict[str, str]], None]


class Site(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, name: str, host: str = "127.0.0.1") -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.name = name
        self.host = host
        self.lock = threading.Lock()
        self.log: list[tuple[str, float]] = []  # (path with query, time)
        self.routes: dict[str, Route] = {}
        self.fallback: Route | None = None
        self.peers: dict[str, Site] = {}
        self.edits: dict[str, Post] = {}  # slug -> the post as edited since (kabar)
        self.slow: tuple[str, ...] = ()  # requests starting with these wait page_delay seconds first
        self.page_delay = 0.0

    def handle_error(self, request: object, client_address: object) -> None:
        pass

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.server_address[1]}"

    def record(self, path: str) -> int:
        with self.lock:
            self.log.append((path, time.monotonic()))
            return sum(1 for p, _ in self.log if p == path)

    def hits(self, prefix: str = "/") -> list[str]:
        with self.lock:
            return [p for p, _ in self.log if p.startswith(prefix)]

    def clear(self) -> None:
        with self.lock:
            self.log.clear()


class Handler(BaseHTTPRequestHandler):
    server: Site
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        n = self.server.record(self.path)
        if self.server.page_delay and self.path.startswith(self.server.slow):
            time.sleep(self.server.page_delay)
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query))
        query["_n"] = str(n)
        route = self.server.routes.get(parts.path) or self.server.fallback
        if route is None:
            self.send(404, b"<html><body><h1>Not Found</h1></body></html>")
            return
        route(self, query)

    def send(self, status: int, body: bytes | str, ctype: str = "text/html; charset=UTF-8",
             headers: dict[str, str] | None = None) -> None:
        raw = body.encode() if isinstance(body, str) else body
        etag = '"' + hashlib.blake2b(raw, digest_size=8).hexdigest() + '"'
        if status == 200 and self.headers.get("If-None-Match") == etag:
            status, raw = 304, b""
        self.send_response(status)
        if ctype and status != 304:
            self.send_header("Content-Type", ctype)
        if status in (200, 304):
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", "Thu, 05 Dec 2024 06:40:00 GMT")
        self.send_header("Content-Length", str(len(raw)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(raw)

    def redirect(self, location: str, status: int = 301) -> None:
        self.send(status, b"", "", headers={"Location": location})


def _wordpress(site: Site) -> None:
    """Routes of the WordPress outlet."""
    by_path = {p.path: p for p in KABAR.values()}

    def route(h: Handler, q: dict[str, str]) -> None:
        base, path = site.base, urlsplit(h.path).path
        if path == "/" and "p" in q:  # /?p=123 shortlinks
            post = next((p for p in KABAR.values() if str(p.pid) == q["p"]), None)
            return h.redirect(base + post.path) if post else h.send(404, "<h1>Halaman tidak ditemukan</h1>")
        if path == "/":
            return h.send(200, kabar_home(base))
        if path == "/robots.txt":
            return h.send(200, f"User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
                               f"Sitemap: {base}/sitemap_index.xml\n", "text/plain; charset=utf-8")
        if path == "/feed/":
            return h.send(200, kabar_feed(base, site.edits), "application/rss+xml; charset=UTF-8")
        if path == "/sitemap_index.xml":
            return h.send(200, kabar_sitemap_index(base), "text/xml; charset=UTF-8")
        if path == "/post-sitemap.xml":
            return h.send(200, kabar_post_sitemap(base, site.edits), "text/xml; charset=UTF-8")
        if path == "/category-sitemap.xml":
            return h.send(200, kabar_category_sitemap(base), "text/xml; charset=UTF-8")
        if path == MOVED:  # "moved" to another service on the same host: not this source's
            return h.redirect(f"http://127.0.0.1:{site.peers['warta'].server_address[1]}/berita/pindah")
        if path.startswith("/category/"):
            if not path.endswith("/"):
                return h.redirect(base + path + "/")
            return h.send(200, kabar_category(base, path.strip("/").split("/")[-1]))
        if not path.endswith("/"):  # WordPress: the slash form is the permalink
            if path + "/" in by_path or any(path.startswith(p) for p in by_path):
                return h.redirect(base + path + "/")
            return h.send(404, "<h1>Halaman tidak ditemukan</h1>")
        if path in by_path:
            post = site.edits.get(by_path[path].slug, by_path[path])
            if post.slug == RATE_LIMITED and q["_n"] == "1":
                return h.send(429, "<h1>429 Too Many Requests</h1>", headers={"Retry-After": "2"})
            if post.slug == MULTIPAGE:  # UTF-8 bytes, the server says iso-8859-1 (an old stack's default)
                return h.send(200, kabar_post(base, post), "text/html; charset=ISO-8859-1")
            return h.send(200, kabar_post(base, post))
        for post in KABAR.values():
            rest = path.removeprefix(post.path)
            if rest == path:
                continue
            if rest == "amp/":  # the AMP plugin renders the post as it is now, edits included
                return h.send(200, kabar_amp(base, site.edits.get(post.slug, post)))
            if rest.rstrip("/").isdigit() and 2 <= int(rest.rstrip("/")) <= len(post.extra_pages) + 1:
                page = kabar_post(base, post, int(rest.rstrip("/")))
                return h.send(200, page, "text/html; charset=ISO-8859-1")
            if rest == "feed/":
                return h.send(200, "<rss version='2.0'><channel></channel></rss>", "application/rss+xml")
        return h.send(404, "<h1>Halaman tidak ditemukan</h1>")

    site.fallback = route


def _warta(site: Site) -> None:
    kabar = site.peers["kabar"]

    def route(h: Handler, q: dict[str, str]) -> None:
        base, path = site.base, urlsplit(h.path).path
        if path == "/":
            return h.send(200, warta_home(base))
        if path == "/robots.txt":
            return h.send(200, "User-agent: *\nDisallow: /search\n", "text/plain")
        for c in WARTA_COPIES:
            if path == c.path:
                post = KABAR[c.original]
                paras = [c.dateline + post.paragraphs[0].split("– ", 1)[-1], *post.paragraphs[1:], "(Antara)"]
                return h.send(200, warta_page(base, kabar.base, c.path, c.title, post.published, paras,
                                              canonical=kabar.base + post.path))
        if path == WARTA_OWN[0]:
            return h.send(200, warta_page(base, kabar.base, path, WARTA_OWN[1], WARTA_OWN[2], WARTA_OWN[3],
                                          canonical=None))
        return h.send(404, "<h1>404 Halaman tidak ditemukan</h1>")

    site.fallback = route


def _semenanjung(site: Site) -> None:
    def route(h: Handler, q: dict[str, str]) -> None:
        base = site.base
        path = urlsplit(h.path).path.split(";", 1)[0]
        www = base.replace("://localhost", "://www.localhost")
        if path == "/":
            return h.send(200, semenanjung_home(base))
        if path == "/robots.txt":
            return h.send(200, "User-agent: *\nDisallow: /cari\n", "text/plain")
        if path == "/rss/terkini.xml":
            return h.send(200, semenanjung_feed(base), "application/rss+xml; charset=UTF-8")
        for p in SEMENANJUNG_POSTS:
            if path == p.path:
                return h.send(200, semenanjung_page(base, www, p))
        return h.send(404, "<h1>Halaman tidak dijumpai</h1>")

    site.fallback = route


def _lambat(site: Site) -> None:
    def route(h: Handler, q: dict[str, str]) -> None:
        base, path = site.base, urlsplit(h.path).path
        if path == "/robots.txt":
            return h.send(200, "User-agent: *\nCrawl-delay: 86400\n", "text/plain")
        if path == "/":
            links = "".join(f'<a href="{base}{p}">{_e(t)}</a>' for p, t in LAMBAT_POSTS)
            return h.send(200, f'<html><head><meta property="og:type" content="website"></head><body>{links}'
                               f'</body></html>')
        for p, t in LAMBAT_POSTS:
            if path == p:
                return h.send(200, lambat_page(base, p, t))
        return h.send(404, "<h1>404</h1>")

    site.fallback = route


@dataclass
class Web:
    sites: dict[str, Site]

    def __getitem__(self, name: str) -> Site:
        return self.sites[name]

    def clear(self) -> None:
        for s in self.sites.values():
            s.clear()

    def edit(self, slug: str, paragraphs: list[str], modified: str) -> Post:
        """The WordPress outlet's editor updates a post: a new body, ``dateModified`` and sitemap
        ``<lastmod>``."""
        post = dataclass_replace(KABAR[slug], paragraphs=paragraphs, modified=modified)
        self.sites["kabar"].edits[slug] = post
        return post

    def shutdown(self) -> None:
        for s in self.sites.values():
            s.shutdown()
            s.server_close()

    def sources_yaml(self) -> str:
        kabar, warta, sem, lambat = (self.sites[n].base for n in ("kabar", "warta", "semenanjung", "lambat"))
        return f"""# written by tests/realweb.py for one test run
sources:
  - name: kabar
    domains: [127.0.0.1]
    start_urls: ["{kabar}/"]
    feeds: ["{kabar}/feed/"]
    robots_sitemaps: true
    article_allow: ['/20\\d\\d/\\d\\d/\\d\\d/[a-z0-9-]+(/amp)?/?$', '/\\?p=\\d+$']
    article_deny: ['/feed/?$']
    language: id
    country: ID
    follow_depth: 1
    delay: 0
    concurrency: 4
    multipage: {{mode: path}}
    allow_loopback: ["{kabar}"]
  - name: warta
    domains: [127.0.0.1]
    start_urls: ["{warta}/"]
    article_allow: ['/berita/d-\\d+/[a-z0-9-]+$']
    language: id
    country: ID
    follow_depth: 1
    delay: 0
    allow_loopback: ["{warta}"]
  - name: semenanjung
    domains: [localhost]
    start_urls: ["{sem}/"]
    feeds: ["{sem}/rss/terkini.xml"]
    article_allow: ['/berita/\\d{{4}}/\\d{{2}}/\\d{{2}}/[a-z0-9-]+$']
    language: ms
    country: MY
    follow_depth: 1
    delay: 0
    allow_loopback: ["{sem}"]
  - name: lambat
    domains: [127.0.0.1]
    start_urls: ["{lambat}/"]
    article_allow: ['/artikel/\\d+/']
    language: id
    country: ID
    delay: 0
    allow_loopback: ["{lambat}"]
"""


def serve() -> Web:
    """Start the four outlets, each on its own loopback port, in daemon threads."""
    sites = {"kabar": Site("kabar"), "warta": Site("warta"), "semenanjung": Site("semenanjung", host="localhost"),
             "lambat": Site("lambat")}
    for s in sites.values():
        s.peers = sites
    _wordpress(sites["kabar"])
    _warta(sites["warta"])
    _semenanjung(sites["semenanjung"])
    _lambat(sites["lambat"])
    for s in sites.values():
        threading.Thread(target=s.serve_forever, daemon=True).start()
    return Web(sites)
