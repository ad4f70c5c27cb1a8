// The dashboard's script, part 3: the comparison chart (one line per city, up to 5) and a month's days, with
// their CSV downloads. Runs in the same scope as part 1 (dashboardScript.ts); same rules: String.raw, no markup.
export const DASHBOARD_CHARTS = String.raw`
var dayCache = {};

function niceScale(lo, hi) {
  if (!isFinite(lo) || !isFinite(hi)) { lo = 0; hi = 1; }
  if (lo === hi) { lo -= 1; hi += 1; }
  var rough = (hi - lo) / 5, mag = Math.pow(10, Math.floor(Math.log10(rough)));
  var step = [1, 2, 2.5, 5, 10].map(function (m) { return m * mag; }).find(function (s) { return s >= rough; });
  var ticks = [];
  for (var t = Math.floor(lo / step) * step; t <= Math.ceil(hi / step) * step + step / 2; t += step) ticks.push(Number(t.toFixed(10)));
  return { min: ticks[0], max: ticks[ticks.length - 1], ticks: ticks };
}

/** Axes and grid for a chart of n evenly spaced x slots; returns the coordinate functions. */
function frame(chart, width, height, n, scale, xLabel) {
  var left = 44, right = 12, top = 20, bottom = 30;
  chart.setAttribute('width', width);
  chart.setAttribute('height', height);
  chart.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
  var step = (width - left - right) / Math.max(1, n);
  var x = function (i) { return left + step * (i + 0.5); };
  var y = function (v) { return top + (height - top - bottom) * (1 - (v - scale.min) / (scale.max - scale.min)); };
  scale.ticks.forEach(function (t) {
    chart.appendChild(svg('line', { class: 'grid', x1: left, x2: width - right, y1: y(t), y2: y(t) }));
    chart.appendChild(svg('text', { class: 'tick', x: left - 6, y: y(t) + 4, 'text-anchor': 'end' }, String(t)));
  });
  chart.appendChild(svg('text', { class: 'axis-unit', x: left - 6, y: 11, 'text-anchor': 'end' }, '°C'));
  var every = Math.max(1, Math.ceil(n / Math.floor((width - left - right) / 44)));
  for (var i = 0; i < n; i++) {
    if (i % every === 0) chart.appendChild(svg('text', { class: 'tick x-tick', x: x(i), y: height - 10, 'text-anchor': 'middle' }, xLabel(i)));
  }
  return { x: x, y: y, step: step };
}

function linePath(points) {
  var d = '', pen = false;
  points.forEach(function (p) {
    if (!p) { pen = false; return; }
    d += (pen ? 'L' : 'M') + p.x.toFixed(1) + ',' + p.y.toFixed(1);
    pen = true;
  });
  return d;
}

function renderCompare() {
  var chips = clear(document.getElementById('chips'));
  state.compare.forEach(function (id, i) {
    var c = byId[id];
    var chip = node('li', { class: 'chip', 'data-city': id });
    var swatch = node('i', {});
    swatch.style.background = PALETTE[i];
    chip.appendChild(swatch);
    chip.appendChild(node('span', {}, c.name));
    var remove = node('button', { type: 'button', 'aria-label': 'Remove ' + c.name, title: 'Remove' }, '×');
    remove.addEventListener('click', function () { toggleCompare(id); });
    chip.appendChild(remove);
    chips.appendChild(chip);
  });
  var add = clear(document.getElementById('add-city'));
  add.appendChild(node('option', { value: '' }, state.compare.length >= MAX_COMPARE ? 'At most ' + MAX_COMPARE + ' cities' : 'Add a city…'));
  DATA.cities.slice().sort(function (a, b) { return a.name.localeCompare(b.name); }).forEach(function (c) {
    if (state.compare.indexOf(c.id) < 0) add.appendChild(node('option', { value: c.id }, c.name));
  });
  add.disabled = state.compare.length >= MAX_COMPARE;
  document.getElementById('compare-metric').textContent = state.metric;

  var box = document.getElementById('compare-box');
  var chart = clear(document.getElementById('compare-chart'));
  var width = Math.max(300, box.clientWidth), height = width < 560 ? 230 : 320;
  if (state.compare.length === 0) {
    chart.setAttribute('width', width);
    chart.setAttribute('height', 40);
    chart.appendChild(svg('text', { x: 0, y: 24 }, 'Click a city name in the overview, or add one above, to compare up to ' + MAX_COMPARE + '.'));
    return;
  }
  var values = [];
  state.compare.forEach(function (id) { byId[id].m.forEach(function (cell) { var v = metricOf(cell, state.metric); if (v !== null) values.push(v); }); });
  var scale = niceScale(Math.min.apply(null, values), Math.max.apply(null, values));
  var n = DATA.months.length;
  var f = frame(chart, width, height, n, scale, function (i) {
    var m = DATA.months[i];
    return i === 0 || m.slice(5) === '01' ? MONTHS[Number(m.slice(5)) - 1] + ' ' + m.slice(2, 4) : MONTHS[Number(m.slice(5)) - 1];
  });
  state.compare.forEach(function (id, k) {
    var c = byId[id];
    var points = c.m.map(function (cell, i) { var v = metricOf(cell, state.metric); return v === null ? null : { x: f.x(i), y: f.y(v) }; });
    chart.appendChild(svg('path', { class: 'compare-line', 'data-city': id, stroke: PALETTE[k], d: linePath(points) }));
    c.m.forEach(function (cell, i) {
      var v = metricOf(cell, state.metric);
      if (v === null) return;
      var missing = cell[4] > 0;
      var dot = svg('circle', { class: 'compare-point' + (missing ? ' has-missing' : ''), 'data-city': id, 'data-month': DATA.months[i], cx: f.x(i), cy: f.y(v), r: missing ? 4.5 : 3.5, stroke: PALETTE[k], fill: missing ? '#fff' : PALETTE[k] });
      dot.appendChild(svg('title', {}, c.name + ' · ' + monthName(DATA.months[i]) + ': ' + state.metric + ' ' + deg(v) + (missing ? ', ' + cell[4] + ' hours missing' : '')));
      dot.addEventListener('click', function () { openDay(id, DATA.months[i]); });
      chart.appendChild(dot);
    });
  });
}

function compareCsv() {
  var rows = [];
  state.compare.forEach(function (id) {
    var c = byId[id];
    c.m.forEach(function (cell, j) { if (cell) rows.push([c.name, c.id, DATA.months[j], metricOf(cell, state.metric), cell[4]]); });
  });
  download('compare-' + state.metric + '.csv', ['city', 'cityId', 'month', state.metric, 'missingHours'], rows);
}

function codeParam() {
  var code = new URLSearchParams(location.search).get('code');
  return code ? '&code=' + encodeURIComponent(code) : '';
}

/** The month's days: embedded in a file, else asked of the API (the page's own origin) and kept. */
function daysOf(id, month, done) {
  if (DATA.days) return done(null, (DATA.days[id] || {})[month] || []);
  var key = id + '/' + month;
  if (dayCache[key]) return done(null, dayCache[key]);
  if (!DATA.daysUrl) return done('The days are not part of this page.');
  // An id the API reads as an id goes as it is; any other id is asked for by the city's name, quoted.
  var city = /^[a-z0-9][a-z0-9._-]*$/.test(id) ? id : '"' + byId[id].name + '"';
  var url = DATA.daysUrl + '?groupBy=city,day&format=json&from=' + month + '&to=' + month + '&city=' + encodeURIComponent(city) + codeParam();
  fetch(url, { headers: { accept: 'application/json' } }).then(function (response) {
    if (!response.ok) throw new Error('the API answered ' + response.status + (response.status === 401 ? ': open the page with ?code=<function key> to see days' : ''));
    return response.json();
  }).then(function (body) {
    dayCache[key] = body.rows.filter(function (r) { return r.cityId === id; }).map(function (r) { return [r.day, r.min, r.max, r.mean, r.missingHours]; });
    done(null, dayCache[key]);
  }).catch(function (error) { done('Could not load the days: ' + error.message); });
}

function renderDays() {
  var section = document.getElementById('days');
  if (!state.day) { section.hidden = true; return; }
  section.hidden = false;
  var id = state.day.city, month = state.day.month, c = byId[id];
  document.getElementById('days-title').textContent = 'Days of ' + monthName(month) + ' · ' + c.name;
  var note = document.getElementById('days-note');
  var chart = clear(document.getElementById('day-chart'));
  note.textContent = 'Loading…';
  daysOf(id, month, function (error, days) {
    if (!state.day || state.day.city !== id || state.day.month !== month) return;
    clear(chart);
    if (error) { note.textContent = error; note.className = 'note warn'; return; }
    note.className = 'note';
    var year = Number(month.slice(0, 4)), m = Number(month.slice(5, 7));
    var length = new Date(Date.UTC(year, m, 0)).getUTCDate();
    var values = [];
    days.forEach(function (d) { [d[1], d[2]].forEach(function (v) { if (v !== null) values.push(v); }); });
    var box = document.getElementById('days-box');
    var width = Math.max(300, box.clientWidth), height = width < 560 ? 220 : 280;
    var f = frame(chart, width, height, length, niceScale(Math.min.apply(null, values), Math.max.apply(null, values)), function (i) { return String(i + 1); });
    var barW = Math.max(3, Math.min(16, f.step * 0.55));
    days.forEach(function (d) {
      var i = d[0] - 1, missing = d[4] > 0;
      var g = svg('g', { class: 'day' + (missing ? ' day-missing' : ''), 'data-day': d[0] });
      g.appendChild(svg('title', {}, monthName(month).slice(0, 3) + ' ' + d[0] + ': min ' + deg(d[1]) + ', mean ' + deg(d[3]) + ', max ' + deg(d[2]) + (missing ? ', ' + d[4] + ' hours missing' : '')));
      if (d[1] !== null && d[2] !== null) g.appendChild(svg('rect', { class: 'day-range', x: f.x(i) - barW / 2, y: f.y(d[2]), width: barW, height: Math.max(1, f.y(d[1]) - f.y(d[2])), rx: barW / 3 }));
      if (d[3] !== null) g.appendChild(svg('circle', { class: 'day-mean', cx: f.x(i), cy: f.y(d[3]), r: 3.5 }));
      chart.appendChild(g);
    });
    var withMissing = days.filter(function (d) { return d[4] > 0; }).length;
    note.textContent = days.length + ' of ' + length + ' days stored' + (withMissing > 0 ? ', ' + withMissing + ' with hours missing (orange)' : '') + '. Bars: min–max; dots: mean.';
  });
}

function daysCsv() {
  if (!state.day) return;
  var id = state.day.city, month = state.day.month;
  daysOf(id, month, function (error, days) {
    if (error) return;
    download('days-' + id.replace(/[^A-Za-z0-9._-]/g, '_') + '-' + month + '.csv', ['city', 'cityId', 'date', 'min', 'max', 'mean', 'missingHours'],
      days.map(function (d) { return [byId[id].name, id, month + '-' + String(d[0]).padStart(2, '0'), d[1], d[2], d[3], d[4]]; }));
  });
}
`;
