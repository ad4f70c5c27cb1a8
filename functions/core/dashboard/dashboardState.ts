// The dashboard's script, part 2: which cities show in which order, and the selection, kept in the URL's hash so
// a link reproduces the view. Runs in the scope of part 1 (dashboardScript.ts); same rules: String.raw, no markup.
export const DASHBOARD_STATE = String.raw`
function sortedCities() {
  var list = DATA.cities.slice();
  var byName = function (a, b) { return a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0); };
  if (state.sort === 'name') return list.sort(byName);
  // North to south; cities without a recorded place last.
  return list.sort(function (a, b) {
    if (a.lat === null || b.lat === null) return a.lat === null && b.lat === null ? byName(a, b) : a.lat === null ? 1 : -1;
    return b.lat - a.lat || byName(a, b);
  });
}

function defaultCompare() {
  var list = sortedCities();
  if (state.sort !== 'lat') { var keep = state.sort; state.sort = 'lat'; list = sortedCities(); state.sort = keep; }
  if (list.length <= 3) return list.map(function (c) { return c.id; });
  return [list[0].id, list[Math.floor(list.length / 2)].id, list[list.length - 1].id];
}

// The hash: metric=mean&sort=lat&compare=id,id&day=id/YYYY-MM, ids percent-encoded. Unknown values are ignored.
function readHash() {
  var next = { metric: 'mean', sort: 'lat', compare: null, day: null };
  location.hash.slice(1).split('&').forEach(function (pair) {
    var at = pair.indexOf('=');
    if (at < 0) return;
    var key = pair.slice(0, at), raw = pair.slice(at + 1);
    var decode = function (s) { try { return decodeURIComponent(s); } catch (e) { return ''; } };
    if (key === 'metric' && Object.prototype.hasOwnProperty.call(METRIC, raw)) next.metric = raw;
    if (key === 'sort' && (raw === 'lat' || raw === 'name')) next.sort = raw;
    if (key === 'compare') {
      next.compare = [];
      raw.split(',').map(decode).forEach(function (id) {
        if (byId[id] && next.compare.indexOf(id) < 0 && next.compare.length < MAX_COMPARE) next.compare.push(id);
      });
    }
    if (key === 'day') {
      var slash = raw.lastIndexOf('/'), id = decode(raw.slice(0, slash)), month = raw.slice(slash + 1);
      if (slash > 0 && byId[id] && DATA.months.indexOf(month) >= 0) next.day = { city: id, month: month };
    }
  });
  state.metric = next.metric;
  state.sort = next.sort;
  state.compare = next.compare === null ? defaultCompare() : next.compare;
  state.day = next.day;
}
function writeHash() {
  var hash = '#metric=' + state.metric + '&sort=' + state.sort + '&compare=' + state.compare.map(encodeURIComponent).join(',') +
    (state.day ? '&day=' + encodeURIComponent(state.day.city) + '/' + state.day.month : '');
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

function toggleCompare(id) {
  var note = document.getElementById('compare-note');
  note.textContent = '';
  var at = state.compare.indexOf(id);
  if (at >= 0) state.compare.splice(at, 1);
  else if (state.compare.length >= MAX_COMPARE) note.textContent = 'At most ' + MAX_COMPARE + ' cities: remove one to add ' + byId[id].name + '.';
  else state.compare.push(id);
  render();
}

`;
