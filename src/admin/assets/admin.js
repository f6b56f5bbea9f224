// tillstream back office: the little the server cannot do. Everything shown is server-rendered HTML;
// this file keeps the live indicator honest, falls back to refreshing while the stream is down, refuses
// stale fragments, fades toasts and beeps for new orders.
(() => {
  'use strict';
  // 15 s as the field asked; a test may shorten it before the page loads (window.tillstreamPollMs).
  const POLL_MS = window.tillstreamPollMs || 15000;
  const TOAST_MS = 6000;
  const MAX_TOASTS = 5;

  // Reconnect within seconds, not the extension's default of up to a minute.
  htmx.config.sse = Object.assign({ reconnectDelay: 500, reconnectMaxDelay: 5000 }, htmx.config.sse || {});

  // ---- Live indicator and the polling fallback ----------------------------------------------------
  let pollTimer = null;
  const LABELS = { live: 'Live', reconnecting: 'Reconnecting…', offline: 'Offline', connecting: 'Connecting…' };

  function setState(state) {
    const el = document.getElementById('live');
    if (!el || el.dataset.state === state) return;
    el.dataset.state = state;
    el.querySelector('.dot').textContent = state === 'live' ? '●' : '○';
    el.querySelector('.live-label').textContent = LABELS[state] || state;
    el.title = state === 'live' ? 'Changes appear as they happen' : 'Not connected: this page refreshes every 15 seconds';
    if (state === 'live') {
      clearInterval(pollTimer);
      pollTimer = null;
    } else if (!pollTimer) {
      pollTimer = setInterval(refresh, POLL_MS);
    }
  }

  /** Re-read the page's main region from the server, keeping focus and half-typed input (morph). */
  function refresh() {
    return htmx.ajax('GET', location.pathname + location.search, { target: '#main', select: '#main', swap: 'outerMorph' });
  }
  window.tillstream = { refresh, setState };

  // A few failed reconnects in a row means the server (or the network) is gone, not just restarting.
  let failures = 0;
  document.addEventListener('htmx:sse:after:connection', (e) => {
    if (e.target.id !== 'live') return;
    failures = 0;
    setState('live');
  });
  document.addEventListener('htmx:sse:before:connection', (e) => {
    if (e.target.id === 'live' && e.target.dataset.state === 'live') setState('reconnecting');
  });
  document.addEventListener('htmx:sse:error', (e) => {
    if (e.target.id !== 'live') return;
    failures++;
    setState(failures >= 3 ? 'offline' : 'reconnecting');
  });
  document.addEventListener('htmx:sse:close', (e) => {
    if (e.target.id === 'live') setState('offline');
  });
  window.addEventListener('offline', () => setState('offline'));

  // ---- Stream messages ----------------------------------------------------------------------------
  // The hub names each frame after its event type; the extension would dispatch a named frame as a DOM
  // event instead of swapping it, so clear the name (the fragment's first bytes still say the type).
  document.addEventListener('htmx:sse:before:message', (e) => {
    if (e.target.id !== 'live') return;
    const msg = e.detail.message;
    if (msg.event === 'reset') {
      // The server can no longer replay what this page missed: start again from a fresh page.
      e.detail.cancelled = true;
      location.reload();
      return;
    }
    const marker = /^<!--ev:([a-z0-9_]+)-->/i.exec(msg.data || '');
    msg.type = msg.event || (marker && marker[1]) || 'message';
    msg.event = '';
  });
  document.addEventListener('htmx:sse:after:message', (e) => {
    if (e.target.id !== 'live') return;
    const type = e.detail.message.type;
    document.body.dispatchEvent(new CustomEvent('ts:event', { detail: { type } }));
    if (type) document.body.dispatchEvent(new CustomEvent('ts:' + type));
  });

  // ---- The bell ------------------------------------------------------------------------------------
  // An open panel follows this admin's notifications from every tab and device: it re-reads itself
  // when one arrives or is read or deleted elsewhere (the badge itself is a stream fragment).
  function rereadPanel() {
    const bell = document.getElementById('bell');
    if (bell && bell.open) htmx.ajax('GET', document.body.dataset.base + '/notifications/panel', { target: '#bell-panel', swap: 'innerHTML' });
  }
  document.addEventListener('DOMContentLoaded', () => {
    document.body.addEventListener('ts:notification_created', rereadPanel);
    document.body.addEventListener('ts:notifications_read', rereadPanel);
  });

  // ---- Never older over newer ---------------------------------------------------------------------
  // Every live value carries data-seq, the event id it reflects (the page's snapshot id, or the event's).
  // A fragment no newer than what its target already shows is dropped: a late replay after a refresh
  // cannot put an old balance back, and a row cannot be prepended twice.
  //
  // `applied` is the newest event id the page as a whole reflects: the stream delivers every id in order
  // from the page's own, so a whole-region answer (Refresh, polling, search) read before it is older
  // than what is on screen. A refresh that old is dropped; search results that old are shown (the user
  // asked for them) and then re-read so a balance changed meanwhile is not left stale.
  let applied = 0;
  document.addEventListener('DOMContentLoaded', () => {
    applied = Number((document.getElementById('main') || {}).dataset?.seq || 0);
  });
  document.addEventListener('htmx:sse:after:message', (e) => {
    const id = Number(e.detail.message.id);
    if (Number.isFinite(id) && id > applied) applied = id;
  });
  let rereadTimer = null;
  document.addEventListener('htmx:before:swap', (e) => {
    const tasks = e.detail.tasks;
    if (!Array.isArray(tasks)) return;
    for (let i = tasks.length - 1; i >= 0; i--) {
      const t = tasks[i];
      if (t.type === 'main') {
        const root = t.fragment && t.fragment.firstElementChild;
        const seq = Number(root && root.dataset ? root.dataset.seq : NaN);
        // 0 stamps a refusal (a form sent back with its errors): it reflects what was typed, not an
        // event, so it can never be stale and must not be re-read away.
        if (!Number.isFinite(seq) || seq <= 0) continue;
        const target = typeof t.target === 'string' ? document.querySelector(t.target) : t.target;
        if (target && target.hasAttribute('data-live-region')) {
          // A live region re-read on an event's word (views/shell/liveRegion.tsx) answers for itself
          // alone: of two overlapping re-reads the older is dropped; other events never make it stale.
          if (Number(target.dataset.seq) > seq) tasks.splice(i, 1);
          continue;
        }
        if (seq < applied) {
          if (target && target.id === 'main') { tasks.splice(i, 1); continue; }
          clearTimeout(rereadTimer);
          rereadTimer = setTimeout(refresh, 50);
        } else {
          applied = seq;
        }
        continue;
      }
      if (t.type !== 'oob' && t.type !== 'partial') continue;
      const incoming = t.fragment && t.fragment.firstElementChild;
      const seq = Number(incoming && incoming.dataset ? incoming.dataset.seq : NaN);
      const target = typeof t.target === 'string' ? document.querySelector(t.target) : t.target;
      if (!target || !Number.isFinite(seq)) continue;
      const have = Number(target.dataset.seq);
      if (Number.isFinite(have) && have >= seq) {
        tasks.splice(i, 1);
      } else if (target.hasAttribute('data-keep-edits') && target.dataset.dirty) {
        // Someone else's newer values for a form this admin is editing: keep the edits, say so.
        tasks.splice(i, 1);
        const notice = target.querySelector('[data-stale-notice]');
        if (notice) notice.hidden = false;
      } else if (!String(t.swapSpec && t.swapSpec.style).startsWith('outer')) {
        target.dataset.seq = String(seq); // a container that gains a row now reflects this event
      }
    }
  });

  // ---- After any swap: toasts, new-order cue ------------------------------------------------------
  document.addEventListener('htmx:after:swap', () => {
    // A live heading (the customer page's name) names the tab too, as it did when the page was served.
    const heading = document.querySelector('[data-doc-title]');
    if (heading && heading.textContent) document.title = `${heading.textContent} · tillstream`;
    // Toasts announce remote changes: this admin's own actions already show their result in place.
    const me = document.body.dataset.actor;
    if (me) document.querySelectorAll('#toasts .toast').forEach((t) => { if (t.dataset.actor === me) t.remove(); });
    const toasts = document.querySelectorAll('#toasts .toast');
    toasts.forEach((t, i) => {
      if (toasts.length - i > MAX_TOASTS) { t.remove(); return; }
      if (t.dataset.timer) return;
      t.dataset.timer = '1';
      setTimeout(() => { t.classList.add('leaving'); setTimeout(() => t.remove(), 400); }, TOAST_MS);
    });
    // Column counts follow the cards a live fragment added.
    document.querySelectorAll('.board .column').forEach((col) => {
      const n = col.querySelector('.count');
      if (n) n.textContent = String(col.querySelectorAll('.order-card').length);
    });
    // A notification's toast takes the place of its cause's (the order's own toast says less).
    document.querySelectorAll('#toasts .toast.notify[data-cause]').forEach((n) => {
      const cause = n.getAttribute('data-cause');
      if (cause) document.querySelectorAll(`#toasts .toast[data-event="${CSS.escape(cause)}"]`).forEach((t) => t.remove());
    });
    // A notification's toast sounds once, if this admin chose sound (the bell's data-sound).
    const notified = document.querySelectorAll('#toasts [data-notify]:not([data-sounded])');
    if (notified.length) {
      notified.forEach((el) => el.setAttribute('data-sounded', '1'));
      const bell = document.getElementById('bell');
      if (bell && bell.dataset.sound === 'on') beep();
    }
    const fresh = document.querySelectorAll('[data-beep]');
    if (fresh.length) {
      fresh.forEach((el) => el.removeAttribute('data-beep'));
      beep();
    }
  });

  function localToast(text, kind) {
    const box = document.getElementById('toasts');
    if (!box) return;
    const t = document.createElement('div');
    t.className = 'toast ' + (kind || '');
    t.setAttribute('role', 'status');
    t.textContent = text;
    box.append(t);
    setTimeout(() => t.remove(), TOAST_MS);
  }
  document.addEventListener('htmx:response:error', (e) => {
    const status = e.detail && e.detail.ctx && e.detail.ctx.response ? e.detail.ctx.response.status : 0;
    if (status >= 500) localToast('The server could not do that. Nothing was changed; try again.', 'error');
  });
  document.addEventListener('htmx:error', (e) => {
    const ctx = e.detail && e.detail.ctx;
    if (ctx && ctx.sourceElement && ctx.sourceElement.id === 'live') return;
    if (!navigator.onLine || (e.detail && e.detail.error && e.detail.error.name === 'TypeError')) {
      localToast('Could not reach the server. Check the connection and try again.', 'error');
    }
  });

  // ---- Sound: a short two-tone beep via WebAudio ----------------------------------------------------
  // Browsers only let a page make sound after a user gesture, so the context is unlocked on the first tap.
  let audio = null;
  function unlock() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === 'suspended') audio.resume();
    } catch (_) { /* no audio on this device: the visual cue remains */ }
  }
  function beep() {
    window.tillstreamBeeps = (window.tillstreamBeeps || 0) + 1;
    if (!audio) return;
    const now = audio.currentTime;
    [0, 0.18].forEach((offset, i) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = 'sine';
      osc.frequency.value = i ? 1175 : 880;
      gain.gain.setValueAtTime(0.0001, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.3, now + offset + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.15);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + offset);
      osc.stop(now + offset + 0.16);
    });
  }
  document.addEventListener('pointerdown', unlock, { once: true });
  document.addEventListener('keydown', unlock, { once: true });

  // ---- Small behaviours ---------------------------------------------------------------------------
  document.addEventListener('click', (e) => {
    const el = e.target instanceof Element ? e.target : null;
    if (!el) return;
    if (el.closest('[data-refresh]')) refresh();
    if (el.closest('[data-sound-test]')) { unlock(); beep(); }
    if (el.closest('[data-print]')) window.print();
    // The phone header's menu drops over the page: a tap elsewhere folds it away again.
    const menu = document.querySelector('header.top details.menu[open]');
    if (menu && !menu.contains(el) && !wide.matches) menu.open = false;
    // The bell's panel folds away on a tap elsewhere too (an item's action keeps it open).
    const bell = document.getElementById('bell');
    if (bell && bell.open && !bell.contains(el) && el.isConnected) bell.open = false;
  });
  document.addEventListener('keydown', (e) => {
    const menu = document.querySelector('header.top details.menu[open]');
    if (e.key === 'Escape' && menu && !wide.matches) { menu.open = false; menu.querySelector('summary').focus(); }
    const bell = document.getElementById('bell');
    if (e.key === 'Escape' && bell && bell.open) { bell.open = false; bell.querySelector('summary').focus(); }
  });

  // From tablet width the header menu is always shown (admin.css, ::details-content); a browser without
  // that pseudo-element can only show a <details>' content by opening it.
  const wide = window.matchMedia('(min-width: 901px)');
  if (!CSS.supports('selector(::details-content)')) {
    const sync = () => document.querySelectorAll('header.top details.menu').forEach((m) => { m.open = wide.matches; });
    document.addEventListener('DOMContentLoaded', sync);
    wide.addEventListener('change', sync);
  }
  document.addEventListener('change', (e) => {
    const el = e.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute('data-autosubmit')) el.form && el.form.submit();
  });
  document.addEventListener('input', (e) => {
    const form = e.target instanceof Element ? e.target.closest('form[data-keep-edits]') : null;
    if (form) form.dataset.dirty = '1';
  });
  document.addEventListener('focusin', (e) => {
    const el = e.target;
    if (el instanceof HTMLInputElement && el.hasAttribute('data-select-on-focus')) el.select();
  });

  // Until the stream says otherwise, the page is not live: start the fallback clock now.
  document.addEventListener('DOMContentLoaded', () => {
    const el = document.getElementById('live');
    if (el && el.dataset.state !== 'live' && !pollTimer) pollTimer = setInterval(refresh, POLL_MS);
  });
})();
