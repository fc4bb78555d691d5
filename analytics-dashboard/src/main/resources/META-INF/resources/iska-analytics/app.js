// The lister dashboard: a few views over the starter's /api/dashboard endpoints, routed by the URL's hash so a
// reload keeps the page. No framework and no build step; charts by uPlot (vendor/uplot, from its webjar).
// Seeker ids and notes travel only in request bodies, never in a URL.
(function () {
  'use strict';

  const API = (window.ISKA_ANALYTICS && window.ISKA_ANALYTICS.api) || '/api/dashboard';
  const TOKEN_KEY = 'iska-analytics-token';
  const main = document.getElementById('main');
  let me = null;
  let liveAbort = null;
  let chart = null;

  // What each kind's pages show, in order: [label, where ('counters' | 'uniques' | 'amounts'), key].
  const METRICS = {
    listings: [
      ['Views', 'counters', 'total_views'], ['Unique views', 'uniques', 'unique_views'],
      ['Logged-in views', 'counters', 'logged_in_views'], ['Anonymous views', 'counters', 'anonymous_views'],
      ['Phone leads', 'counters', 'phone_leads'], ['Message leads', 'counters', 'message_leads'],
      ['Email leads', 'counters', 'email_leads'], ['Appointment leads', 'counters', 'appointment_leads'],
      ['Leads', 'counters', 'total_leads'], ['Unique leads', 'uniques', 'unique_leads'],
      ['Conversion %', 'amounts', 'conversion_rate'], ['Sales', 'counters', 'total_sales'],
      ['Average price', 'amounts', 'avg_sale_price'], ['Lead to sale %', 'amounts', 'lead_to_sale_rate']
    ],
    listers: [
      ['Listing views', 'counters', 'total_listing_views'], ['Profile views', 'counters', 'profile_views'],
      ['Unique profile viewers', 'uniques', 'unique_profile_viewers'],
      ['Phone leads', 'counters', 'phone_leads_generated'], ['Message leads', 'counters', 'message_leads_generated'],
      ['Email leads', 'counters', 'email_leads_generated'],
      ['Appointment leads', 'counters', 'appointment_leads_generated'],
      ['Leads', 'counters', 'total_listing_leads'], ['Conversion %', 'amounts', 'conversion_rate'],
      ['Sales', 'counters', 'total_sales'], ['Average price', 'amounts', 'avg_sale_price']
    ],
    developments: [
      ['Views', 'counters', 'total_views'], ['Unique views', 'uniques', 'unique_views'],
      ['Logged-in views', 'counters', 'logged_in_views'], ['Leads', 'counters', 'total_leads'],
      ['Interactions', 'counters', 'total_interactions'], ['Shares', 'counters', 'shares'],
      ['Saves', 'counters', 'saves'], ['Social clicks', 'counters', 'social_clicks'],
      ['Engagement %', 'amounts', 'engagement_rate'], ['Conversion %', 'amounts', 'conversion_rate'],
      ['Sales', 'counters', 'total_sales'], ['Average price', 'amounts', 'avg_sale_price']
    ]
  };
  // The series each kind's chart draws: [label, where, key, colour].
  const CHART = {
    listings: [['Views', 'counters', 'total_views', '#1f6feb'], ['Unique views', 'uniques', 'unique_views', '#8250df'],
      ['Leads', 'counters', 'total_leads', '#1a7f37']],
    listers: [['Listing views', 'counters', 'total_listing_views', '#1f6feb'],
      ['Profile views', 'counters', 'profile_views', '#8250df'], ['Leads', 'counters', 'total_listing_leads', '#1a7f37']],
    developments: [['Views', 'counters', 'total_views', '#1f6feb'], ['Interactions', 'counters', 'total_interactions', '#bf8700'],
      ['Leads', 'counters', 'total_leads', '#1a7f37']]
  };
  const LIVE_LABELS = {views: 'Views', unique_views: 'Unique views', leads: 'Leads', events: 'Events',
    profile_views: 'Profile views', interactions: 'Interactions'};
  const STATUSES = ['new', 'contacted', 'qualified', 'converted', 'lost'];

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === undefined || v === null) return;
      if (k === 'text') node.textContent = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    });
    children.flat().forEach(c => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return node;
  }

  function format(where, value) {
    if (value === undefined || value === null) return '–';
    if (where === 'amounts') return Number(value).toFixed(2);
    return Number(value).toLocaleString('en-US');
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function headers(extra) {
    const h = Object.assign({'Accept': 'application/json'}, extra || {});
    if (token()) h['Authorization'] = 'Bearer ' + token();
    return h;
  }

  class HttpError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  async function api(path, options) {
    const response = await fetch(API + path, Object.assign({headers: headers(options && options.headers)}, options,
      {headers: headers(options && options.headers)}));
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = {error: text}; }
    if (!response.ok) throw new HttpError(response.status, (body && body.error) || ('HTTP ' + response.status));
    return body;
  }

  function route() {
    const hash = location.hash.replace(/^#/, '') || '/';
    const [path, query] = hash.split('?');
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    return {parts, params: new URLSearchParams(query || '')};
  }

  function go(parts, params) {
    const query = params && params.toString();
    location.hash = '#/' + parts.map(encodeURIComponent).join('/') + (query ? '?' + query : '');
  }

  function isoDay(date) {
    return date.toISOString().slice(0, 10);
  }

  function defaultRange(days) {
    const to = me && me.today ? new Date(me.today + 'T00:00:00Z') : new Date();
    const from = new Date(to.getTime() - (days - 1) * 86400000);
    return {from: isoDay(from), to: isoDay(to)};
  }

  function showError(error) {
    if (error.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      signIn();
      return;
    }
    main.replaceChildren(el('p', {class: 'error', 'data-error': String(error.status || ''), text: error.message}));
  }

  function signIn() {
    stopLive();
    document.getElementById('live').hidden = true;
    main.replaceChildren();
    document.getElementById('signin').hidden = false;
    document.getElementById('token').focus();
  }

  document.getElementById('signin').addEventListener('submit', async event => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, document.getElementById('token').value.trim());
    document.getElementById('signin-error').textContent = '';
    try {
      await start();
    } catch (e) {
      sessionStorage.removeItem(TOKEN_KEY);
      document.getElementById('signin').hidden = false;
      document.getElementById('signin-error').textContent = e.message;
    }
  });

  document.getElementById('signout').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    me = null;
    document.getElementById('who').textContent = '';
    document.getElementById('signout').hidden = true;
    signIn();
  });

  async function start() {
    const who = await api('/me');
    if (!who.signedIn) {
      if (token()) {
        sessionStorage.removeItem(TOKEN_KEY);
        throw new HttpError(401, 'That token is not known here.');
      }
      signIn();
      return;
    }
    me = who;
    document.getElementById('signin').hidden = true;
    document.getElementById('who').textContent = me.admin ? 'Admin' : 'Lister ' + me.listerId;
    document.getElementById('signout').hidden = !token();
    await render();
  }

  async function render() {
    if (!me) return;
    const {parts, params} = route();
    document.querySelectorAll('[data-nav]').forEach(a =>
      a.classList.toggle('active', a.dataset.nav === (parts[0] === 'leads' ? 'leads' : 'overview')));
    try {
      if (parts.length === 0) await overview(params);
      else if (parts[0] === 'leads') await inbox(params);
      else if (METRICS[parts[0]] && parts[1]) await entity(parts[0], parts[1], params);
      else main.replaceChildren(el('p', {class: 'error', text: 'No page at ' + location.hash}));
    } catch (e) {
      showError(e);
    }
  }

  function controls(params, fields, onChange) {
    const inputs = {};
    const box = el('div', {class: 'controls'});
    fields.forEach(([name, label, type, options]) => {
      let input;
      if (type === 'select') {
        input = el('select', {name}, options.map(o => el('option', {value: o, text: o})));
      } else {
        input = el('input', {name, type});
      }
      input.value = params.get(name);
      input.addEventListener('change', () => {
        const next = new URLSearchParams();
        Object.entries(inputs).forEach(([k, i]) => { if (i.value) next.set(k, i.value); });
        onChange(next);
      });
      inputs[name] = input;
      box.append(el('label', {}, label, input));
    });
    return box;
  }

  async function overview(params) {
    const range = defaultRange(7);
    ['from', 'to'].forEach(k => { if (!params.get(k)) params.set(k, range[k]); });
    if (!params.get('by')) params.set('by', 'views');
    const query = new URLSearchParams({from: params.get('from'), to: params.get('to'), by: params.get('by'), limit: '20'});
    const top = await api('/top-listings?' + query);
    const rows = top.map(rank => el('tr', {'data-listing': rank.listingId},
      el('td', {}, el('a', {href: '#/listings/' + encodeURIComponent(rank.listingId) + '?from=' + params.get('from')
          + '&to=' + params.get('to'), text: rank.listingId})),
      el('td', {'data-metric': 'total_views', text: format('counters', rank.totalViews)}),
      el('td', {'data-metric': 'unique_views', text: format('uniques', rank.uniqueViews)}),
      el('td', {'data-metric': 'total_leads', text: format('counters', rank.totalLeads)}),
      el('td', {'data-metric': 'conversion_rate', text: format('amounts', rank.conversionRate)})));
    const links = me.admin ? [] : [el('p', {}, el('a', {href: '#/listers/' + encodeURIComponent(me.listerId),
      text: 'Your lister page'}))];
    main.replaceChildren(
      el('h1', {text: me.admin ? 'Top listings' : 'Your top listings'}),
      controls(params, [['from', 'From', 'date'], ['to', 'To', 'date'],
        ['by', 'Ranked by', 'select', ['views', 'leads', 'conversion']]], next => go([], next)),
      ...links,
      rows.length === 0 ? el('p', {'data-empty': 'top', text: 'No aggregated days in this range yet.'})
        : el('div', {class: 'scroll'}, el('table', {id: 'top'},
          el('thead', {}, el('tr', {}, ['Listing', 'Views', 'Unique views', 'Leads', 'Conversion %']
            .map(h => el('th', {text: h})))),
          el('tbody', {}, rows))));
    startLive('overview', me.admin ? 'all listings' : 'your listings');
  }

  function value(totals, where, key) {
    return totals && totals[where] ? totals[where][key] : undefined;
  }

  async function entity(kind, id, params) {
    const range = defaultRange(30);
    ['from', 'to'].forEach(k => { if (!params.get(k)) params.set(k, range[k]); });
    if (!params.get('grain')) params.set('grain', 'day');
    const query = new URLSearchParams({from: params.get('from'), to: params.get('to'), grain: params.get('grain')});
    const data = await api('/' + kind + '/' + encodeURIComponent(id) + '?' + query);
    const metrics = METRICS[kind];
    const title = {listings: 'Listing', listers: 'Lister', developments: 'Development'}[kind] + ' ' + id;
    const cards = el('div', {class: 'cards', id: 'totals'}, metrics.map(([label, where, key]) =>
      el('div', {class: 'card', 'data-total': key},
        el('div', {class: 'label', text: label}),
        el('div', {class: 'value', text: format(where, value(data.totals, where, key))}))));
    const table = el('table', {id: 'periods'},
      el('thead', {}, el('tr', {}, el('th', {text: 'Period'}), metrics.map(([label]) => el('th', {text: label})))),
      el('tbody', {}, data.periods.map(p => el('tr', {'data-period': p.period},
        el('td', {text: p.period}),
        metrics.map(([, where, key]) => el('td', {'data-metric': key, text: format(where, value(p, where, key))}))))));
    const chartBox = el('div', {class: 'chart', id: 'chart'});
    main.replaceChildren(
      el('h1', {text: title}),
      data.lister && kind !== 'listers' ? el('p', {}, 'Lister ', el('a', {
        href: '#/listers/' + encodeURIComponent(data.lister), text: data.lister})) : '',
      controls(params, [['from', 'From', 'date'], ['to', 'To', 'date'],
        ['grain', 'Per', 'select', ['day', 'week', 'month', 'quarter', 'year']]], next => go([kind, id], next)),
      el('h2', {text: 'Totals ' + data.from + ' to ' + data.to}), cards, chartBox,
      data.periods.length === 0 ? el('p', {text: 'No aggregated days in this range yet.'})
        : el('div', {class: 'scroll'}, table));
    drawChart(chartBox, kind, data.periods);
    startLive(kind + ':' + id, title);
  }

  function drawChart(box, kind, periods) {
    if (chart) { chart.destroy(); chart = null; }
    if (periods.length === 0 || typeof uPlot === 'undefined') return;
    const series = CHART[kind];
    const xs = periods.map((p, i) => i);
    const labels = periods.map(p => p.period);
    const data = [xs].concat(series.map(([, where, key]) => periods.map(p => Number(value(p, where, key) || 0))));
    // One tick per period (at most about 12 labelled), so labels never repeat between periods.
    const every = Math.max(1, Math.ceil(xs.length / 12));
    chart = new uPlot({
      width: Math.max(320, box.clientWidth - 20), height: 260,
      series: [{label: 'Period', value: (u, v) => (v === null || v === undefined) ? '–' : labels[v]}].concat(
        series.map(([label, , , stroke], i) => ({label, stroke, width: 2, dash: i === 1 ? [6, 4] : undefined,
          points: {show: true}}))),
      axes: [{splits: () => xs.filter(i => i % every === 0), values: (u, splits) => splits.map(i => labels[i] || '')},
        {}],
      scales: {x: {time: false, range: () => [-0.3, Math.max(xs.length - 1, 0) + 0.3]}}
    }, data, box);
  }

  async function inbox(params) {
    const lister = me.admin ? params.get('lister') : me.listerId;
    const picker = me.admin ? controls(params, [['lister', 'Lister', 'text']], next => go(['leads'], next)) : '';
    if (!lister) {
      main.replaceChildren(el('h1', {text: 'Leads'}), picker, el('p', {text: 'Name a lister to see their leads.'}));
      stopLive();
      return;
    }
    const query = new URLSearchParams({limit: '200'});
    if (me.admin) query.set('lister', lister);
    const leads = await api('/leads?' + query);
    main.replaceChildren(el('h1', {text: 'Leads of ' + lister}), picker,
      leads.length === 0 ? el('p', {text: 'No leads yet.'}) : el('table', {id: 'leads'},
        el('thead', {}, el('tr', {}, ['Listing', 'Seeker', 'Actions', 'Last action', 'Status', 'Notes']
          .map(h => el('th', {text: h})))),
        el('tbody', {}, leads.map(leadRow))));
    startLive(me.admin ? 'listers:' + lister : 'overview', lister);
  }

  function leadRow(lead) {
    const status = el('select', {'data-field': 'status'}, STATUSES.map(s => el('option', {value: s, text: s})));
    status.value = lead.status;
    const saved = el('span', {class: 'saved'});
    const note = el('textarea', {'data-field': 'note', 'aria-label': 'new note'});
    const notes = el('ul', {'data-field': 'notes'}, lead.notes.map(n => el('li', {text: n})));
    const ref = {listingId: lead.listingId, seekerId: lead.seekerId};
    async function post(path, body) {
      saved.textContent = '';
      try {
        const updated = await api(path, {method: 'POST', headers: {'Content-Type': 'application/json'},
          body: JSON.stringify(Object.assign({}, ref, body))});
        status.value = updated.status;
        notes.replaceChildren(...updated.notes.map(n => el('li', {text: n})));
        saved.textContent = 'saved';
        return true;
      } catch (e) {
        saved.textContent = e.message;
        saved.className = 'error';
        return false;
      }
    }
    return el('tr', {class: 'lead', 'data-lead-listing': lead.listingId},
      el('td', {}, el('a', {href: '#/listings/' + encodeURIComponent(lead.listingId), text: lead.listingId})),
      el('td', {'data-field': 'seeker', text: lead.seekerId}),
      el('td', {}, el('div', {'data-metric': 'total_actions', text: String(lead.totalActions)}),
        el('ul', {'data-field': 'actions'}, lead.actions.map(a => el('li', {text: a.type + ' ' + a.at.slice(0, 16).replace('T', ' ')})))),
      el('td', {text: (lead.lastActionType || '') + ' ' + (lead.lastActionAt || '').slice(0, 10)}),
      el('td', {}, status, el('button', {type: 'button', 'data-action': 'save-status',
        onclick: () => post('/leads/status', {status: status.value})}, 'Save'), saved),
      el('td', {}, notes, note, el('button', {type: 'button', 'data-action': 'add-note', onclick: async () => {
        if (note.value.trim() && await post('/leads/notes', {note: note.value})) note.value = '';
      }}, 'Add note')));
  }

  function stopLive() {
    if (liveAbort) { liveAbort.abort(); liveAbort = null; }
  }

  // Server-Sent Events read through fetch, so the token goes in a header and never in the URL (EventSource cannot
  // set headers). Reconnects when the server ends a stream.
  function startLive(scope, label) {
    stopLive();
    const controller = new AbortController();
    liveAbort = controller;
    const panel = document.getElementById('live');
    panel.hidden = false;
    panel.dataset.scope = scope;
    document.getElementById('live-scope').textContent = '· ' + label;
    const state = document.getElementById('live-state');
    const numbers = document.getElementById('live-numbers');
    numbers.replaceChildren();
    const connect = async () => {
      try {
        const response = await fetch(API + '/live?scope=' + encodeURIComponent(scope),
          {headers: headers({'Accept': 'text/event-stream'}), signal: controller.signal});
        if (!response.ok) { state.textContent = 'live numbers unavailable (HTTP ' + response.status + ')'; return; }
        state.textContent = 'live';
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const {value, done} = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, {stream: true}).replace(/\r\n/g, '\n');
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let name = 'message';
            const data = [];
            block.split('\n').forEach(line => {
              if (line.startsWith('event:')) name = line.slice(6).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
            });
            // A stream this page has left (a new page opened its own) never writes into the panel.
            if (name === 'today' && data.length && !controller.signal.aborted) {
              showLive(numbers, JSON.parse(data.join('\n')));
            }
          }
        }
        if (!controller.signal.aborted) setTimeout(connect, 1000);
      } catch (e) {
        if (!controller.signal.aborted) {
          state.textContent = 'reconnecting…';
          setTimeout(connect, 2000);
        }
      }
    };
    connect();
  }

  function showLive(box, today) {
    Object.entries(today.numbers).forEach(([key, count]) => {
      let card = box.querySelector('[data-live="' + key + '"]');
      if (!card) {
        card = el('div', {class: 'card', 'data-live': key}, el('div', {class: 'label', text: LIVE_LABELS[key] || key}),
          el('div', {class: 'value'}));
        box.append(card);
      }
      const valueBox = card.querySelector('.value');
      const text = format('counters', count);
      card.classList.toggle('changed', valueBox.textContent !== '' && valueBox.textContent !== text);
      valueBox.textContent = text;
    });
    document.getElementById('live-state').textContent = 'live · ' + today.day;
  }

  window.addEventListener('hashchange', render);
  start().catch(showError);
})();
