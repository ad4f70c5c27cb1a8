// The dashboard's script, part 1: data and helpers, the heatmap, its legend and CSV downloads, and the wiring.
// Plain ES2020 in strings (the page is one self-contained file); it only ever puts data into the page with
// textContent and setAttribute, never as markup. No backticks or template placeholders in the parts: they are
// String.raw literals, joined in one function scope.
import { DASHBOARD_CHARTS } from './dashboardCharts.ts';
import { DASHBOARD_STATE } from './dashboardState.ts';

const HEATMAP = String.raw`
'use strict';
var DATA = JSON.parse(document.getElementById('dashboard-data').textContent);
var SVGNS = 'http://www.w3.org/2000/svg';
var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
var PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00'];
var MAX_COMPARE = 5;
var METRIC = { min: 0, max: 1, mean: 2 };
var STOPS = [[-30, [49, 54, 149]], [-15, [69, 117, 180]], [-5, [116, 173, 209]], [5, [224, 243, 248]], [15, [254, 224, 144]], [25, [253, 174, 97]], [32, [244, 109, 67]], [40, [165, 0, 38]]];
var state = { metric: 'mean', sort: 'lat', compare: [], day: null };
var byId = {};
DATA.cities.forEach(function (c) { byId[c.id] = c; });

function svg(tag, attrs, text) {
  var e = document.createElementNS(SVGNS, tag);
  for (var k in attrs) e.setAttribute(k, String(attrs[k]));
  if (text !== undefined) e.textContent = text;
  return e;
}
function node(tag, attrs, text) {
  var e = document.createElement(tag);
  for (var k in attrs) e.setAttribute(k, String(attrs[k]));
  if (text !== undefined) e.textContent = text;
  return e;
}
function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }
function fmt(v) { return v === null || v === undefined ? '–' : v.toFixed(1); }
function deg(v) { return fmt(v) + ' °C'; }
function monthName(m) { return MONTHS[Number(m.slice(5, 7)) - 1] + ' ' + m.slice(0, 4); }
function metricOf(cell, metric) { return cell ? cell[METRIC[metric]] : null; }
function fit(text, px, charPx) {
  var n = Math.max(4, Math.floor(px / charPx));
  return text.length > n ? text.slice(0, n - 1) + '…' : text;
}

/** The fixed temperature scale: the same colour means the same °C in every view and every page. */
function rgb(v) {
  if (v <= STOPS[0][0]) return STOPS[0][1];
  for (var i = 1; i < STOPS.length; i++) {
    if (v <= STOPS[i][0]) {
      var a = STOPS[i - 1], b = STOPS[i], t = (v - a[0]) / (b[0] - a[0]);
      return [0, 1, 2].map(function (k) { return Math.round(a[1][k] + t * (b[1][k] - a[1][k])); });
    }
  }
  return STOPS[STOPS.length - 1][1];
}
function colour(v) { var c = rgb(v); return 'rgb(' + c[0] + ',' + c[1] + ',' + c[2] + ')'; }
function inkOn(v) { var c = rgb(v); return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] < 165 ? '#fff' : '#1f2328'; }

function renderHeatmap() {
  var box = document.getElementById('heatmap-box');
  var chart = clear(document.getElementById('heatmap'));
  var cities = sortedCities();
  var narrow = box.clientWidth < 560;
  var labelW = narrow ? 112 : 200;
  var n = Math.max(1, DATA.months.length);
  var cellW = Math.max(24, Math.min(110, Math.floor((box.clientWidth - labelW - 2) / n)));
  var cellH = narrow ? 22 : 24, top = 28;
  var width = labelW + cellW * n, height = top + cellH * cities.length + 2;
  chart.setAttribute('width', width);
  chart.setAttribute('height', height);
  chart.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
  var defs = svg('defs', {});
  var hatch = svg('pattern', { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' });
  hatch.appendChild(svg('rect', { width: 6, height: 6, fill: '#f1f3f5' }));
  hatch.appendChild(svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#adb5bd', 'stroke-width': 2 }));
  defs.appendChild(hatch);
  chart.appendChild(defs);
  DATA.months.forEach(function (m, j) {
    var label = j === 0 || m.slice(5) === '01' ? MONTHS[Number(m.slice(5)) - 1] + ' ' + m.slice(2, 4) : MONTHS[Number(m.slice(5)) - 1];
    if (cellW < 30 && j > 0 && m.slice(5) !== '01') label = label.slice(0, 1);
    chart.appendChild(svg('text', { class: 'month-label', x: labelW + j * cellW + cellW / 2, y: top - 9, 'text-anchor': 'middle' }, label));
  });
  cities.forEach(function (c, i) {
    var y = top + i * cellH;
    var row = svg('g', { class: 'row', 'data-city': c.id });
    var picked = state.compare.indexOf(c.id);
    if (picked >= 0) row.appendChild(svg('circle', { class: 'picked', cx: 4, cy: y + cellH / 2, r: 3.5, fill: PALETTE[picked] }));
    var label = svg('text', { class: 'city-label' + (picked >= 0 ? ' selected' : ''), x: labelW - 8, y: y + cellH / 2 + 4, 'text-anchor': 'end', tabindex: 0, role: 'button' }, fit(c.name + (c.synthetic ? ' (synthetic)' : ''), labelW - 22, picked >= 0 ? 7.6 : 7));
    label.appendChild(svg('title', {}, c.name + (c.lat === null ? '' : ' (' + c.lat.toFixed(2) + ', ' + c.lng.toFixed(2) + ')') + ': click to compare'));
    label.addEventListener('click', function () { toggleCompare(c.id); });
    label.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggleCompare(c.id); } });
    row.appendChild(label);
    c.m.forEach(function (cell, j) {
      var month = DATA.months[j], x = labelW + j * cellW, v = metricOf(cell, state.metric);
      var rect = svg('rect', { class: 'cell', x: x + 1, y: y + 1, width: cellW - 2, height: cellH - 2, rx: 3, 'data-month': month });
      if (!cell) { rect.setAttribute('class', 'cell empty'); rect.setAttribute('fill', '#fafbfc'); }
      else if (v === null) { rect.setAttribute('class', 'cell no-readings'); rect.setAttribute('fill', 'url(#hatch)'); }
      else rect.setAttribute('fill', colour(v));
      if (cell && cell[4] > 0) rect.classList.add('has-missing');
      var tip = c.name + ' · ' + monthName(month) + ': ' + (cell ? 'min ' + deg(cell[0]) + ', mean ' + deg(cell[2]) + ', max ' + deg(cell[1]) +
        (cell[4] > 0 ? ', ' + cell[4].toLocaleString('en-US') + ' hours missing' : '') : 'no data');
      rect.appendChild(svg('title', {}, tip + (cell ? ' (click for the days)' : '')));
      if (cell) rect.addEventListener('click', function () { openDay(c.id, month); });
      row.appendChild(rect);
      if (cell && cell[4] > 0) row.appendChild(svg('path', { class: 'missing-mark', d: 'M' + (x + cellW - 9) + ',' + (y + 1) + 'h8v8z' }));
      if (v !== null && cellW >= 30) row.appendChild(svg('text', { class: 'cell-value', x: x + cellW / 2, y: y + cellH / 2 + 4, 'text-anchor': 'middle', style: 'fill:' + inkOn(v) }, fmt(v)));
    });
    chart.appendChild(row);
  });
}

function renderLegend() {
  var legend = clear(document.getElementById('scale'));
  var w = 236, h = 30, pad = 10;
  legend.setAttribute('width', w);
  legend.setAttribute('height', h);
  var lo = STOPS[0][0], hi = STOPS[STOPS.length - 1][0];
  var grad = svg('linearGradient', { id: 'scale-gradient' });
  STOPS.forEach(function (s) { grad.appendChild(svg('stop', { offset: ((s[0] - lo) / (hi - lo) * 100).toFixed(1) + '%', 'stop-color': colour(s[0]) })); });
  var defs = svg('defs', {});
  defs.appendChild(grad);
  legend.appendChild(defs);
  legend.appendChild(svg('rect', { x: pad, y: 2, width: w - 2 * pad, height: 10, rx: 2, fill: 'url(#scale-gradient)' }));
  [-30, -15, 0, 15, 30, 40].forEach(function (t) {
    legend.appendChild(svg('text', { x: pad + (t - lo) / (hi - lo) * (w - 2 * pad), y: 26, 'text-anchor': 'middle' }, String(t)));
  });
}

function csvCell(v) {
  if (v === null || v === undefined) return '';
  var s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}
function download(name, header, rows) {
  var text = [header].concat(rows).map(function (r) { return r.map(csvCell).join(','); }).join('\r\n') + '\r\n';
  var url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  var a = node('a', { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
}
function overviewCsv() {
  var rows = [];
  sortedCities().forEach(function (c) {
    c.m.forEach(function (cell, j) {
      if (cell) rows.push([c.name, c.id, c.lat, c.lng, DATA.months[j], metricOf(cell, state.metric), cell[3], cell[4], c.synthetic ? 'true' : '']);
    });
  });
  download('overview-' + state.metric + '.csv', ['city', 'cityId', 'lat', 'lng', 'month', state.metric, 'count', 'missingHours', 'synthetic'], rows);
}
`;

const WIRING = String.raw`
function render() {
  document.getElementById('metric').value = state.metric;
  document.getElementById('sort').value = state.sort;
  renderHeatmap();
  renderCompare();
  renderDays();
  writeHash();
}
function openDay(id, month) {
  state.day = { city: id, month: month };
  render();
  document.getElementById('days').scrollIntoView({ behavior: 'smooth', block: 'nearest' });
}
document.getElementById('metric').addEventListener('change', function (e) { state.metric = e.target.value; render(); });
document.getElementById('sort').addEventListener('change', function (e) { state.sort = e.target.value; render(); });
document.getElementById('overview-csv').addEventListener('click', overviewCsv);
document.getElementById('compare-csv').addEventListener('click', compareCsv);
document.getElementById('days-csv').addEventListener('click', daysCsv);
document.getElementById('add-city').addEventListener('change', function (e) { if (e.target.value) toggleCompare(e.target.value); });
document.getElementById('close-days').addEventListener('click', function () { state.day = null; render(); });
window.addEventListener('hashchange', function () { readHash(); render(); });
var resizing = 0;
window.addEventListener('resize', function () { clearTimeout(resizing); resizing = setTimeout(render, 120); });
readHash();
renderLegend();
render();
document.body.setAttribute('data-ready', 'true');
`;

export const DASHBOARD_SCRIPT = `(function () {\n${HEATMAP}\n${DASHBOARD_STATE}\n${DASHBOARD_CHARTS}\n${WIRING}\n})();\n`;
