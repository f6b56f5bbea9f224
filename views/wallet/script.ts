import { WALLET_TYPES } from '../../src/wallet/filter.ts';

// The wallet page's live part, a few lines of plain JS (the page has no htmx: it is the guest's, not the
// back office's). It follows /w/<token>/stream from the id the page was read at, applies each frame,
// shows an "Offline" bar while the connection is down, and on reconnect resumes by the last id it saw,
// so what happened meanwhile arrives in order. A link that died (404) shows "closed" and stops trying.
export const WALLET_SCRIPT = `(() => {
  const boot = JSON.parse(document.getElementById('wallet-boot').textContent);
  const TYPES = ${JSON.stringify([...WALLET_TYPES])};
  const $ = (id) => document.getElementById(id);
  const nf = new Intl.NumberFormat('en-GB');
  let lastId = String(boot.cursor), es = null, retryMs = 1000, closed = false, timer = null;
  const signed = (n) => n > 0 ? '+' + nf.format(n) : n < 0 ? '\\u2212' + nf.format(-n) : '0';
  const money = (c) => { try { return new Intl.NumberFormat('en-GB', { style: 'currency', currency: boot.currency }).format(c / 100); } catch { return (c / 100).toFixed(2); } };
  const clock = (iso) => { try { return new Intl.DateTimeFormat('en-GB', { timeZone: boot.tz, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(iso)); } catch { return iso; } };
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; };
  function show(kind, text) { const s = $('status'); s.className = 'status ' + kind; s.textContent = text; s.hidden = !text; document.body.dataset.state = kind || 'live'; }
  function progress(b) {
    const p = $('progress'); p.textContent = '';
    const next = boot.menu.find((r) => r.pointsCost > b);
    if (!next) { if (boot.menu.length) p.append(el('p', 'muted', 'You can have any reward on the menu: ask at the counter.')); return; }
    const bar = el('progress'); bar.max = next.pointsCost; bar.value = b;
    p.append(bar, el('p', 'muted', nf.format(next.pointsCost - b) + ' more points to ' + next.name));
  }
  function balance(b) {
    const e = $('balance'); e.textContent = nf.format(b); e.dataset.balance = String(b);
    e.classList.remove('flash'); void e.offsetWidth; e.classList.add('flash'); progress(b);
  }
  function points(f) {
    balance(f.balance);
    const ul = $('activity');
    if (ul.querySelector('[data-id="' + CSS.escape(f.id) + '"]')) return;
    const li = el('li'); li.dataset.id = f.id;
    const what = el('span', null, boot.labels[f.type] || f.type); what.append(el('br'));
    const where = f.locationId && boot.locations[f.locationId];
    const meta = el('span', 'muted', where ? where + ' \\u00b7 ' : ''); const t = el('time', null, clock(f.at)); t.dateTime = f.at; meta.append(t); what.append(meta);
    li.append(what, el('span', 'pts ' + (f.change >= 0 ? 'pos' : 'neg'), signed(f.change)));
    li.classList.add('flash'); ul.prepend(li);
    while (ul.children.length > 20) ul.lastElementChild.remove();
    $('no-activity').hidden = true;
  }
  function card(f) {
    let li = $('cards').querySelector('[data-card="' + CSS.escape(f.id) + '"]');
    if (!li) { li = el('li'); li.dataset.card = f.id; $('cards').prepend(li); }
    li.textContent = '';
    const what = el('span', null, f.maskedCode); what.append(el('br'), el('span', 'muted', f.status));
    li.append(what, el('span', 'pts', money(f.balanceCents)));
    $('cards-section').hidden = false;
  }
  function gone(text) { closed = true; if (es) es.close(); es = null; show('closed', text); }
  function frame(ev) {
    if (ev.lastEventId) lastId = ev.lastEventId;
    let f; try { f = JSON.parse(ev.data); } catch { return; }
    if (f.kind === 'points') points(f); else if (f.kind === 'balance') balance(f.balance);
    else if (f.kind === 'card') card(f); else if (f.kind === 'closed') gone('This wallet is closed.');
  }
  function later(ms) { clearTimeout(timer); timer = setTimeout(connect, ms); }
  // The stream refused for good (EventSource gives up on any non-200): ask why without opening one.
  function probe() {
    fetch(boot.stream, { method: 'HEAD', cache: 'no-store' }).then((r) => {
      if (r.status === 404) return gone('This wallet link no longer works. Ask at the counter for a new one.');
      later(r.status === 429 ? (Number(r.headers.get('retry-after')) || 5) * 1000 : retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    }, () => { later(retryMs); retryMs = Math.min(retryMs * 2, 30000); });
  }
  function connect() {
    if (closed) return;
    if (es) es.close();
    es = new EventSource(boot.stream + '?lastEventId=' + encodeURIComponent(lastId));
    es.onopen = () => { retryMs = 1000; show('', ''); };
    for (const t of TYPES) es.addEventListener(t, frame);
    es.addEventListener('reset', () => location.reload());
    es.onerror = () => {
      if (closed) return;
      show('offline', 'Offline \\u2014 reconnecting. Your points are safe and will catch up.');
      if (es && es.readyState === EventSource.CLOSED) { es = null; probe(); }
    };
  }
  // The phone says it has no network: drop the connection now (it may linger half-open for minutes) and
  // say so; 'online' reconnects from the last id seen, so what happened meanwhile arrives in order.
  addEventListener('offline', () => {
    if (closed) return;
    clearTimeout(timer); if (es) es.close(); es = null;
    show('offline', 'Offline \\u2014 reconnecting. Your points are safe and will catch up.');
  });
  addEventListener('online', () => { if (!closed) { retryMs = 1000; connect(); } });
  connect();
})();`;
