"""Jinja2 templates of the report (autoescaped; Danish labels)."""

BASE = """<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} – boligmon</title>
<link rel="stylesheet" href="{{ root }}assets/report.css">
</head>
<body>
<header class="top">
  <span class="brand">boligmon · boligsocial monitorering</span>
  <nav>{% for href, label in nav %}<a href="{{ root }}{{ href }}"
    {%- if href == current %} class="active"{% endif %}>{{ label }}</a>{% endfor %}</nav>
</header>
<main>
{% block main %}{% endblock %}
<footer>
  Dannet {{ generated_at }} fra skemaet <code>marts</code> (rollen bi_reader) efter
  diskretionering. {{ "–" }} = ikke offentliggjort (diskretion): færre end 5 personer i en celle,
  eller området har under 100 beboere / 50 husstande. Kriteriestatus er kommunens egen
  skyggeberegning, ikke den officielle liste.
</footer>
</main>
{% block scripts %}{% endblock %}
</body>
</html>
"""

INDEX = """{% extends "base.html" %}
{% block main %}
<h1>Boligsocial monitorering</h1>
<p class="muted">Alle boligområder og ejerformer, på alle områdeniveauer. Vælg niveau og
indikator; klik på et område for dets side med tidsserier.</p>
<section class="card">
  <h2 style="margin-top:0">Kort over kommunen</h2>
  <div class="controls">
    <label for="map-level">Niveau</label>
    <select id="map-level">{% for lv, label in levels %}
      <option value="{{ lv }}"{% if lv == initial_level %} selected{% endif %}>{{ label }}</option>
    {%- endfor %}</select>
    <label for="map-indicator">Indikator</label>
    <select id="map-indicator">{% for key in indicators %}
      <option value="{{ key }}"{% if key == initial %} selected{% endif %}>{{ layer_titles[key] }}</option>
    {%- endfor %}</select>
  </div>
  <div class="maprow">
    <div>{% for s in svgs %}{{ s }}{% endfor %}</div>
    <div class="legend" id="map-legend"><div style="font-weight:600">{{ init_layer.title }}</div>
      {% for color, label in init_layer.legend %}<div><span class="sw" style="background:{{ color }}"></span>{{ label }}</div>{% endfor %}
    </div>
  </div>
  <p class="note" id="map-caption">{{ init_layer.caption }}</p>
</section>
{% if missing_sections %}
<p class="note">Vises, når data findes: {{ missing_sections | join("; ") }}.</p>
{% endif %}
{% for t in tables %}
<section class="card">
  <h2 style="margin-top:0">{{ t.level }}</h2>
  <table>
    <thead><tr><th>Område</th>{% for h in t.headers %}<th class="num">{{ h }}</th>{% endfor %}
      {% if t.has_status %}<th>Listestatus</th>{% endif %}</tr></thead>
    <tbody>
    {% for r in t.rows %}<tr><td><a href="{{ r.href }}">{{ r.name }}</a>
      {% if r.official %}<span class="badge" title="Ministeriets områdekode">{{ r.official }}</span>{% endif %}</td>
      {% for c in r.cells %}<td class="{{ 'supp' if c == '–' else 'num' }}">{{ c }}</td>{% endfor %}
      {% if t.has_status %}<td>{{ r.status }}</td>{% endif %}</tr>
    {% endfor %}
    </tbody>
  </table>
</section>
{% endfor %}
<script type="application/json" id="map-data">{{ map_json }}</script>
{% endblock %}
{% block scripts %}<script src="{{ root }}assets/report.js"></script>{% endblock %}
"""

AREA = """{% extends "base.html" %}
{% block main %}
<p class="muted"><a href="{{ root }}index.html">Oversigt</a> › {{ level }}</p>
<h1>{{ title }}</h1>
<p class="muted">{{ level }} · id {{ area.area_id }}
{% if official %} · ministeriets kode {{ official }}{% endif %}</p>
<div class="maprow">
  <section class="card" style="flex:1 1 480px">
    <h2 style="margin-top:0">Nøgletal (seneste opgørelse, alle ejerformer)</h2>
    <table>
      <thead><tr><th>Indikator</th><th>Opgjort</th><th class="num">Værdi</th></tr></thead>
      <tbody>{% for r in key_rows %}
        <tr><td>{{ r.name }}{% if r.legal %} <span class="badge">{{ r.legal }}</span>{% endif %}</td>
        <td>{{ r.period }}</td>
        <td class="{{ 'supp' if r.suppressed else 'num' }}" data-indicator="{{ r.id }}"{% if r.reason %} title="{{ r.reason }}"{% endif %}>{{ r.value }}</td></tr>
      {% endfor %}</tbody>
    </table>
    <p class="note">– = ikke offentliggjort (diskretion); hold musen over cellen for årsagen.</p>
  </section>
  <section class="card"><h2 style="margin-top:0">Placering</h2>{{ locator }}</section>
</div>
{% if status_rows %}
<section class="card">
  <h2 style="margin-top:0">Listestatus (skyggeberegning)</h2>
  <table><thead><tr><th>Listeår</th><th>Status</th><th class="num">Kriterier opfyldt</th>
    <th class="num">År i træk</th></tr></thead><tbody>
  {% for y, s, n, k in status_rows %}<tr><td>{{ y }}</td><td>{{ s }}</td>
    <td class="num">{{ n }}</td><td class="num">{{ k }}</td></tr>{% endfor %}
  </tbody></table>
</section>
{% endif %}
{% if criteria %}
<h2>Kriterier mod tærskler{% if criteria_regime %} ({{ criteria_regime }}){% endif %}</h2>
<p class="note">Blå: områdets værdi; rød stiplet: tærsklen for listeåret (almenboligloven § 61 a).</p>
<div class="grid2">
{% for c in criteria %}
  <section class="card">
    <h3 style="margin-top:0">{{ c.title }}</h3>
    {{ c.svg }}
    <details><summary>Tal</summary><table><thead><tr><th>Listeår</th><th class="num">Værdi</th>
      <th class="num">Tærskel</th><th>Opfyldt</th></tr></thead><tbody>
      {% for y, v, t, m in c.rows %}<tr><td>{{ y }}</td><td class="num">{{ v }}</td>
        <td class="num">{{ t }}</td><td>{{ m }}</td></tr>{% endfor %}
    </tbody></table></details>
  </section>
{% endfor %}
</div>
{% elif has_criteria_mart %}
<p class="note">Ingen kriterieberegning for dette område.</p>
{% endif %}
<h2>Udvikling over tid</h2>
<p class="note">Tyk linje: alle ejerformer; tynde linjer: de enkelte ejerformer. Huller i linjen
er perioder, hvor tallet er diskretioneret (–).</p>
<div class="grid2">
{% for c in charts %}
  <section class="card">
    <h3 style="margin-top:0">{{ c.title }}{% if c.legal %} <span class="badge">{{ c.legal }}</span>{% endif %}</h3>
    {{ c.svg }}
    <div class="chart-legend">{% for color, label in c.legend %}<span><i style="background:{{ color }}"></i>{{ label }}</span>{% endfor %}</div>
    {% if c.suppressed %}<p class="note">{{ c.suppressed }} af {{ c.total }} perioder er
      diskretioneret (–).</p>{% endif %}
    <details><summary>Tal (alle ejerformer)</summary><table><tbody>
      {% for p, v in c.table %}<tr><td>{{ p }}</td><td class="{{ 'supp' if v == '–' else 'num' }}">{{ v }}</td></tr>{% endfor %}
    </tbody></table></details>
  </section>
{% else %}
  <p class="note">Ingen indikatorer for dette område.</p>
{% endfor %}
</div>
{% endblock %}
"""

TABLE_PAGE = """{% extends "base.html" %}
{% block main %}
<h1>{{ title }}</h1>
<p class="muted">{{ intro }}</p>
<section class="card">
{% if rows %}
<table><thead><tr>{% for h in headers %}<th>{{ h }}</th>{% endfor %}</tr></thead><tbody>
{% for r in rows %}<tr>{% for c in r.cells %}<td>{% if loop.first and r.href %}<a href="{{ r.href }}">{{ c }}</a>{% else %}{{ c }}{% endif %}</td>{% endfor %}</tr>
{% endfor %}</tbody></table>
{% else %}<p>Ingen områder på listen i seneste opgørelse.</p>{% endif %}
</section>
{% endblock %}
"""

FLOWS = """{% extends "base.html" %}
{% block main %}
<h1>Flytninger</h1>
{% if sankey %}
<section class="card">
  <h2 style="margin-top:0">Flytninger mellem ejerformer{% if flows.period %} ({{ flows.period }}){% endif %}</h2>
  {{ sankey }}
  <p class="note">Flyttende personer ({{ flows.value_column }}) efter ejerform før flytningen
  (venstre) og efter (højre), hele kommunen; flytninger til og fra andre kommuner og udlandet som
  egne knuder. Fødsler og dødsfald er ikke med.{% if flows.suppressed %} {{ flows.suppressed }}
  celler er diskretioneret (–) og indgår ikke, så summerne er mindstetal.{% endif %}</p>
</section>
{% elif flows.columns %}
<p class="warn">marts.fct_flows findes, men kolonnerne for ejerform før/efter og antal kunne ikke
genkendes ({{ flows.columns | join(", ") }}); diagrammet vises ikke.</p>
{% endif %}
{% if turnover %}
<section class="card">
  <h2 style="margin-top:0">Til- og fraflytning pr. område (seneste periode)</h2>
  <table><thead><tr>{% for h in turnover.headers %}<th>{{ h }}</th>{% endfor %}</tr></thead>
  <tbody>{% for r in turnover.rows %}<tr>{% for c in r %}<td>{{ c }}</td>{% endfor %}</tr>{% endfor %}
  </tbody></table>
</section>
{% endif %}
{% endblock %}
"""

ABOUT = """{% extends "base.html" %}
{% block main %}
<h1>Om tallene</h1>
<section class="card">
  <h2 style="margin-top:0">Kilde og diskretion</h2>
  <p>Rapporten læser kun de offentlige marts (skema <code>marts</code>) som rollen
  <code>bi_reader</code>: de samme tal som Power BI og QGIS-eksporten. Personhenførbare data
  forlader aldrig databasen.</p>
  <p>Diskretionering (kriterier.md § 7): en celle vises ikke (–), når</p>
  <ul>{% for code, text in reasons.items() %}<li><code>{{ code }}</code>: {{ text }}</li>{% endfor %}</ul>
  <p>Et tomt felt (–) betyder altså aldrig 0. Tal på højere niveauer beregnes af tællere og
  nævnere, ikke som gennemsnit af andele.</p>
</section>
<section class="card">
  <h2 style="margin-top:0">Indikatorer</h2>
  <table><thead><tr><th>Id</th><th>Navn</th><th>English</th><th>Seneste opgørelse</th>
    <th>Kriterium</th></tr></thead><tbody>
  {% for i in indicators %}<tr><td><code>{{ i.indicator_id }}</code></td><td>{{ i.name_da }}</td>
    <td>{{ i.name_en }}</td><td>{{ periods.get(i.indicator_id, "") }}</td>
    <td>{{ i.legal_criterion or "" }}</td></tr>{% endfor %}
  </tbody></table>
</section>
{% if coverage %}
<section class="card">
  <h2 style="margin-top:0">Datadækning (seneste opgørelse)</h2>
  <table><tbody>{% for k, v in coverage %}<tr><td>{{ k }}</td><td class="num">{{ v }}</td></tr>{% endfor %}</tbody></table>
</section>
{% endif %}
<section class="card">
  <h2 style="margin-top:0">Marts i denne rapport</h2>
  <p>{% for m in marts %}<code>{{ m }}</code>{% if not loop.last %}, {% endif %}{% endfor %}</p>
  {% if missing %}<p class="note">Ikke med endnu (vises, når marts findes): {{ missing | join("; ") }}.</p>{% endif %}
</section>
{% endblock %}
"""

TEMPLATES = {
    "base.html": BASE,
    "index.html": INDEX,
    "area.html": AREA,
    "table_page.html": TABLE_PAGE,
    "flows.html": FLOWS,
    "about.html": ABOUT,
}
