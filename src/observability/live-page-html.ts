/**
 * The live page: one self-contained HTML document (no framework, nothing from a CDN: the controller
 * may have no internet) that subscribes to /events (Server-Sent Events) and redraws from each frame.
 * A tripped axis is red AND says TRIPPED with its reason; a stale value says STALE with its age:
 * never colour alone.
 */
export const LIVE_PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>axisguard line</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:1em;background:#fafafa;color:#222}
table{border-collapse:collapse;margin-bottom:1em;background:white}
th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;font-variant-numeric:tabular-nums}
tr.tripped td{background:#fdd}
.stale{color:#a60;font-weight:bold}
.trip{color:#b00;font-weight:bold}
.degraded{color:#a60;font-weight:bold}
#conn{padding:.2em .6em;border-radius:.3em}
#conn.up{background:#dfd}#conn.down{background:#fdd}
ul{background:white;border:1px solid #ccc;padding:.5em 1.5em;font-family:monospace;font-size:.9em}
</style></head><body>
<h1>axisguard line <span id="conn" class="down">connecting</span></h1>
<p id="stalls"></p>
<table id="axes"><thead><tr><th>axis</th><th>state</th><th>breaker</th><th>position mm</th><th>following error mm / window</th><th>|error| / window, last minutes</th><th>alarm</th><th>job</th></tr></thead><tbody></tbody></table>
<h2>Buses</h2><table id="buses"><thead><tr><th>bus</th><th>calls</th><th>timeouts</th><th>bad answers</th><th>longest wait for the bus</th><th>slowest call per 0.5 s, last minutes</th></tr></thead><tbody></tbody></table>
<h2>Jobs</h2><table id="jobs"><thead><tr><th>job</th><th>axis</th><th>status</th><th>parked because</th></tr></thead><tbody></tbody></table>
<h2>Recent events</h2><ul id="events"></ul>
<script>
const esc = (s) => String(s).replace(/[&<>]/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;'})[c]);
const num = (v, d) => v === null ? '-' : v.toFixed(d);
// A polyline of the points; with a limit (1: the following-error window), a dashed line there.
function spark(points, limit) {
  if (points.length < 2) return '';
  const w = 160, h = 24, max = Math.max(limit || 0, ...points) || 1;
  const xy = points.map((p, i) => (i * w / (points.length - 1)).toFixed(1) + ',' + (h - p / max * h).toFixed(1)).join(' ');
  const y = limit === undefined ? '' : (h - limit / max * h).toFixed(1);
  const line = limit === undefined ? '' : '<line x1="0" x2="' + w + '" y1="' + y + '" y2="' + y + '" stroke="#e99" stroke-dasharray="2 2"/>';
  return '<svg width="' + w + '" height="' + h + '">' + line + '<polyline fill="none" stroke="#36c" points="' + xy + '"/></svg>';
}
function draw(f) {
  document.querySelector('#axes tbody').innerHTML = f.axes.map((a) =>
    '<tr class="' + (a.tripped ? 'tripped' : '') + '" data-axis="' + esc(a.id) + '">' +
    '<td>' + esc(a.id) + '</td>' +
    '<td>' + esc(a.state) + (a.tripped ? ' <span class="trip">TRIPPED: ' + esc(a.tripped) + '</span>' : '') + '</td>' +
    '<td>' + esc(a.breaker) + (a.degraded ? ' <span class="degraded">DEGRADED: ' + esc(a.degraded) + '</span>' : '') + '</td>' +
    '<td>' + num(a.positionMm, 2) + (a.stale ? ' <span class="stale">STALE ' + (a.ageMs / 1000).toFixed(1) + ' s</span>' : '') + '</td>' +
    '<td>' + num(a.followingErrorMm, 3) + ' / ' + num(a.windowMm, 2) + '</td>' +
    '<td>' + spark(a.spark, 1) + '</td>' +
    '<td>' + (a.alarmCode ? '<span class="trip">' + a.alarmCode + '</span>' : '0') + '</td>' +
    '<td>' + esc(a.job) + '</td></tr>').join('');
  document.querySelector('#buses tbody').innerHTML = f.buses.length ? f.buses.map((b) =>
    '<tr data-bus="' + esc(b.id) + '"><td>' + esc(b.id) + '</td><td>' + b.calls.total + '</td><td>' + b.calls.timeouts + '</td><td>' + b.calls.badAnswers + '</td><td>' + b.maxQueueWaitMs + ' ms</td><td>' + spark(b.spark) + '</td></tr>').join('') : '<tr><td colspan="6">no bus (simulated drives only)</td></tr>';
  document.querySelector('#jobs tbody').innerHTML = f.jobs.map((j) =>
    '<tr><td>' + esc(j.id) + '</td><td>' + esc(j.axis) + '</td><td>' + esc(j.status) + '</td><td>' + esc(j.parkedReason) + '</td></tr>').join('');
  document.querySelector('#events').innerHTML = f.events.map((e) => '<li>' + esc(e) + '</li>').join('');
  document.querySelector('#stalls').textContent = 'supervisor stalls: ' + f.stalls.count + (f.stalls.count ? ' (longest ' + f.stalls.longestMs + ' ms)' : '') + '; t = ' + (f.atMs / 1000).toFixed(1) + ' s';
}
const conn = document.getElementById('conn');
function connect() {
  const source = new EventSource('events');
  source.onopen = () => { conn.textContent = 'live'; conn.className = 'up'; };
  source.onmessage = (m) => draw(JSON.parse(m.data));
  source.onerror = () => { conn.textContent = 'disconnected: reconnecting'; conn.className = 'down'; };
}
connect();
</script></body></html>
`;
