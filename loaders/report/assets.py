"""The report's shared static files (written once to out/report/assets/, used by every page)."""

CSS = """
:root { --ink: #1d2430; --muted: #5b6470; --line: #d9dde3; --accent: #1f5fa8; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, "Segoe UI", Arial, sans-serif; color: var(--ink);
  background: #f4f6f8; }
header.top { background: #12355b; color: #fff; padding: 10px 24px; display: flex;
  gap: 24px; align-items: baseline; flex-wrap: wrap; }
header.top .brand { font-weight: 700; font-size: 18px; }
header.top nav a { color: #dfe9f5; margin-right: 16px; text-decoration: none; }
header.top nav a.active, header.top nav a:hover { color: #fff; text-decoration: underline; }
main { max-width: 1180px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 26px; margin: 8px 0 4px; }
h2 { font-size: 20px; margin: 28px 0 8px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 14px 16px;
  margin: 12px 0; overflow-x: auto; }
.note, .muted { color: var(--muted); font-size: 13px; }
.warn { background: #fff7e0; border: 1px solid #f0d48a; padding: 8px 12px; border-radius: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left;
  vertical-align: top; }
th { background: #f0f3f6; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.supp { text-align: right; color: var(--muted); }
.controls { display: flex; gap: 16px; flex-wrap: wrap; align-items: center; margin-bottom: 8px; }
.controls label { font-weight: 600; }
.maprow { display: flex; gap: 16px; flex-wrap: wrap; align-items: flex-start; }
.maprow > div:first-child { flex: 1 1 480px; min-width: 0; max-width: 780px; }
.legend { flex: 0 0 240px; font-size: 13px; }
.legend .sw { display: inline-block; width: 16px; height: 12px; margin-right: 6px;
  border: 1px solid #777; vertical-align: middle; }
svg.map path:hover { stroke: #000; stroke-width: 2; }
svg.map, svg.chart, svg.sankey { max-width: 100%; height: auto; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 12px; }
.chart-legend span { margin-right: 12px; font-size: 12px; white-space: nowrap; }
.chart-legend i { display: inline-block; width: 18px; height: 3px; vertical-align: middle;
  margin-right: 4px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px;
  border: 1px solid #999; }
details summary { cursor: pointer; color: var(--accent); font-size: 13px; }
footer { color: var(--muted); font-size: 12px; margin-top: 36px; }
[hidden] { display: none !important; }
@media print { header.top nav, .controls { display: none; } body { background: #fff; } }
"""

JS = """
// boligmon report: switches the map between precomputed colourings (no data is computed here).
(function () {
  "use strict";
  var node = document.getElementById("map-data");
  if (!node) { return; }
  var data = JSON.parse(node.textContent);
  var levelSel = document.getElementById("map-level");
  var indSel = document.getElementById("map-indicator");
  var legend = document.getElementById("map-legend");
  var caption = document.getElementById("map-caption");

  function fillOptions(level) {
    var current = indSel.value;
    while (indSel.firstChild) { indSel.removeChild(indSel.firstChild); }
    data.levels[level].order.forEach(function (key) {
      var opt = document.createElement("option");
      opt.value = key;
      opt.textContent = data.levels[level].layers[key].title;
      indSel.appendChild(opt);
    });
    if (data.levels[level].layers[current]) { indSel.value = current; }
  }

  function render() {
    var level = levelSel.value;
    var layer = data.levels[level].layers[indSel.value];
    document.querySelectorAll("svg.map[data-level]").forEach(function (svg) {
      if (svg.getAttribute("data-level") === level) {
        svg.removeAttribute("hidden");
      } else {
        svg.setAttribute("hidden", "");
      }
    });
    var svg = document.querySelector('svg.map[data-level="' + level + '"]');
    svg.querySelectorAll("path[data-area]").forEach(function (path) {
      var key = path.getAttribute("data-area");
      path.setAttribute("fill", layer.fills[key] || data.missing);
      var title = path.querySelector("title");
      if (title) { title.textContent = layer.tips[key] || key; }
    });
    while (legend.firstChild) { legend.removeChild(legend.firstChild); }
    var head = document.createElement("div");
    head.textContent = layer.title;
    head.style.fontWeight = "600";
    legend.appendChild(head);
    layer.legend.forEach(function (entry) {
      var row = document.createElement("div");
      var sw = document.createElement("span");
      sw.className = "sw";
      sw.style.background = entry[0];
      row.appendChild(sw);
      row.appendChild(document.createTextNode(entry[1]));
      legend.appendChild(row);
    });
    caption.textContent = layer.caption;
  }

  levelSel.addEventListener("change", function () { fillOptions(levelSel.value); render(); });
  indSel.addEventListener("change", render);
  fillOptions(levelSel.value);
  indSel.value = data.initial;
  if (!data.levels[levelSel.value].layers[data.initial]) {
    indSel.selectedIndex = 0;
  }
  render();
})();
"""
