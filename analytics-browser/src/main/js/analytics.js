// Iska Homes listing analytics: the browser batcher. https://github.com/iskahomes/listing-analytics (Apache-2.0)
// Hand-written, dependency-free ES module. The build strips comment lines and indentation, and wraps the same code
// as a classic script (window.IskaAnalytics): keep every comment on a line of its own and end statements with ';'.
// The catalogue: event name, then its required properties, listing_id when none are written (the server's
// EventType; a test keeps them equal).
const CATALOGUE = 'property_view listing_impression impression_social_media impression_website_visit impression_share ' +
  'impression_saved_listing lead_phone lead_message lead_email lead_appointment profile_view:profile_id,user_type ' +
  'development_view:development_id development_share:development_id development_saved:development_id ' +
  'development_social_click:development_id development_interaction:development_id ' +
  'listing_created:listing_id,lister_id,lister_type listing_updated listing_deleted:listing_id,lister_id,lister_type ' +
  'user_logged_in: user_logged_out: development_created:development_id';
const REQUIRED = {};
CATALOGUE.split(' ').forEach(entry => {
  const [name, required = 'listing_id'] = entry.split(':');
  REQUIRED[name] = required ? required.split(',') : [];
});
// Storage keys: one queue per page instance (no two pages ever write the same key), and the anonymous id.
const QUEUE_KEY = 'iska_analytics_q:';
const ID_KEY = 'iska_analytics_id';
const DEFAULTS = {
  flushAt: 200, flushIntervalMs: 3000, maxQueue: 1000, maxQueueBytes: 262144, beaconBytes: 60000,
  retryBaseMs: 1000, retryMaxMs: 60000, gzip: true, persist: true, requireConsent: false, respectDoNotTrack: false
};

const attempt = (fn, fallback) => {
  try {
    return fn();
  } catch (e) {
    return fallback;
  }
};

/** A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits, so the server can date and dedupe it. */
function uuidv7(ms = Date.now()) {
  const b = crypto.getRandomValues(new Uint8Array(16));
  for (let i = 5, t = ms; i >= 0; i--, t = Math.floor(t / 256)) {
    b[i] = t % 256;
  }
  b[6] = 0x70 | (b[6] & 15);
  b[8] = 0x80 | (b[8] & 63);
  return Array.from(b, x => (x | 256).toString(16).slice(1)).join('')
    .replace(/(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
}

/** A tracker posting to options.endpoint; see docs/analytics-browser.md for every option. */
function createAnalytics(options) {
  const o = Object.assign({}, DEFAULTS, options);
  if (!o.endpoint) {
    throw new TypeError('endpoint is missing');
  }
  const w = window;
  const nav = w.navigator || {};
  const doc = document;
  // Reading localStorage throws where the page may not use it (sandboxed frames, some private modes).
  const store = o.persist ? attempt(() => w.localStorage.length >= 0 && w.localStorage, null) : null;
  const me = QUEUE_KEY + uuidv7();
  const counts = { sent: 0, dropped: 0, rejected: 0, retries: 0 };
  const doNotTrack = o.respectDoNotTrack && (nav.doNotTrack == '1' || nav.globalPrivacyControl);
  // true: sending; undefined: waiting for optIn() (kept in memory only); false: opted out (nothing kept).
  let consent = o.requireConsent ? undefined : true;
  let queue = [];
  let bytes = 0;
  let inflight = null;
  let busy = null;
  let failures = 0;
  let closed = false;
  let distinctId = o.distinctId;
  let anonymous;
  let pending = [];
  let saving = 0;

  const report = error => o.onError ? o.onError(error) : console.warn('[analytics] ' + error.message);
  const posthog = () => {
    const p = o.posthog || w.posthog;
    return p && typeof p.capture == 'function' ? p : null;
  };
  const id = () => {
    if (distinctId) {
      return typeof distinctId == 'function' ? distinctId() : distinctId;
    }
    const p = posthog();
    const fromPosthog = p && p.get_distinct_id && attempt(() => p.get_distinct_id());
    if (fromPosthog) {
      return fromPosthog;
    }
    anonymous = anonymous || (consent && store && store.getItem(ID_KEY)) || uuidv7();
    if (consent && store) {
      attempt(() => store.setItem(ID_KEY, anonymous));
    }
    return anonymous;
  };
  const add = json => {
    queue.push(json);
    bytes += json.length;
    while (queue.length > o.maxQueue || bytes > o.maxQueueBytes) {
      bytes -= queue.shift().length;
      counts.dropped++;
    }
    // Stored once per burst of track() calls, not once per event.
    saving = saving || setTimeout(persist);
  };
  // What was not confirmed yet survives a reload; written after every change of the queue's ownership.
  const persist = () => {
    clearTimeout(saving);
    saving = 0;
    if (!store || !consent) {
      return;
    }
    const all = (inflight || []).concat(queue);
    try {
      all.length ? store.setItem(me, '[' + all.join(',') + ']') : store.removeItem(me);
    } catch (e) {
      report(e);
    }
  };
  // Queues left by earlier pages of this origin (a reload, a closed tab) become this page's to send.
  const adopt = () => {
    for (let i = store ? store.length : 0; i--;) {
      const key = store.key(i);
      if (key && key.indexOf(QUEUE_KEY) == 0 && key != me) {
        attempt(() => JSON.parse(store.getItem(key)).forEach(event => add(JSON.stringify(event))));
        store.removeItem(key);
      }
    }
  };
  const mirror = (event, properties, uuid, ms) => {
    const p = posthog();
    if (p) {
      try {
        p.capture(event, Object.assign({}, properties), { uuid, timestamp: new Date(ms) });
      } catch (e) {
        report(e);
      }
    }
  };
  const wrap = events => (o.secret ? '{"api_key":' + JSON.stringify(o.secret) + ',"batch":[' : '{"events":[') +
    events.join(',') + ']}';
  const url = query => o.endpoint + (query ? (o.endpoint.indexOf('?') < 0 ? '?' : '&') + query : '');
  // The delay before the next try: what Retry-After asks (seconds or a date), else exponential, both with jitter.
  const delay = retryAfter => {
    const asked = retryAfter == null ? NaN : isNaN(retryAfter) ? Date.parse(retryAfter) - Date.now() : retryAfter * 1000;
    counts.retries++;
    return asked >= 0 ? asked * (1 + Math.random() / 5)
      : Math.min(o.retryMaxMs, o.retryBaseMs * 2 ** failures++) * (0.5 + Math.random() / 2);
  };
  // One POST: true when answered 2xx, false for a 4xx (never retried), else the milliseconds to wait.
  const post = async events => {
    let body = new Blob([wrap(events)], { type: 'text/plain' });
    let query = '';
    if (o.gzip && w.CompressionStream) {
      body = await new Response(body.stream().pipeThrough(new CompressionStream('gzip'))).blob();
      query = 'compression=gzip-js';
    }
    let response;
    try {
      // text/plain keeps it a simple request (no preflight); keepalive lets it finish if the page goes away.
      response = await fetch(url(query), {
        method: 'POST', body, credentials: 'omit', keepalive: body.size < o.beaconBytes,
        headers: { 'Content-Type': 'text/plain' }
      });
    } catch (e) {
      return delay();
    }
    if (response.ok) {
      const answer = await response.json().catch(() => ({}));
      const rejected = answer.rejected || [];
      counts.rejected += rejected.length;
      counts.sent += events.length - rejected.length;
      if (rejected.length) {
        report(new Error(rejected.length + ' event(s) rejected: ' + rejected.map(r => r.reason).join('; ')));
      }
      return true;
    }
    if (response.status == 429 || response.status >= 500) {
      return delay(response.headers.get('Retry-After'));
    }
    counts.rejected += events.length;
    report(new Error('the server refused ' + events.length + ' event(s) with ' + response.status + ': ' +
      await response.text().catch(() => '')));
    return false;
  };
  const drain = async () => {
    while (consent && (inflight || queue.length)) {
      if (!inflight) {
        inflight = queue.splice(0, o.flushAt);
        bytes = queue.reduce((sum, json) => sum + json.length, 0);
        persist();
      }
      const batch = inflight;
      const result = await post(batch);
      if (result === true || result === false) {
        failures = result ? 0 : failures;
        if (inflight == batch) {
          inflight = null;
          persist();
        }
      } else {
        await new Promise(resolve => setTimeout(resolve, result));
      }
    }
  };
  const flush = () => {
    if (!consent) {
      return Promise.resolve();
    }
    return busy || (busy = drain().finally(() => busy = null));
  };
  // The page is going away (or may be killed while hidden): beacon everything now. The stored copy stays until a
  // later flush of this page rewrites it, so if a beacon is lost on the way the next page sends it again (the
  // server drops the duplicates by uuid).
  const unload = () => {
    const all = (inflight || []).concat(queue);
    if (!consent || !all.length) {
      return;
    }
    persist();
    inflight = null;
    queue = [];
    bytes = 0;
    let chunk = [];
    let size = 0;
    const beacon = () => {
      if (!(nav.sendBeacon && nav.sendBeacon(url(''), new Blob([wrap(chunk)], { type: 'text/plain' })))) {
        chunk.forEach(add);
      }
      chunk = [];
      size = 0;
    };
    all.forEach(json => {
      if (chunk.length && (size + json.length > o.beaconBytes || chunk.length >= o.flushAt)) {
        beacon();
      }
      chunk.push(json);
      size += json.length + 1;
    });
    beacon();
    // The stored copy already holds everything, beacons refused or not: keep it as it is.
    clearTimeout(saving);
    saving = 0;
  };
  const onVisibility = () => doc.visibilityState == 'hidden' && unload();

  // Like the server, a bad event is refused alone, reported and counted; tracking never throws into the page.
  const refuse = message => {
    counts.rejected++;
    report(new TypeError(message));
    return null;
  };
  const track = (event, properties) => {
    if (closed || doNotTrack || consent === false) {
      return null;
    }
    if (!event) {
      return refuse('event name is missing');
    }
    const props = Object.assign({}, properties);
    const required = REQUIRED[event];
    const missing = (required || []).find(key => props[key] == null || props[key] === '');
    if (missing) {
      return refuse(event + ': ' + missing + ' is missing');
    }
    const ms = Date.now();
    const uuid = uuidv7(ms);
    if (consent) {
      mirror(event, props, uuid, ms);
    } else {
      pending.push([event, props, uuid, ms]);
      pending.length > o.maxQueue && pending.shift();
    }
    // Names outside the catalogue go to PostHog only: the server would refuse them.
    if (required) {
      add(JSON.stringify({ event, distinct_id: id(), timestamp: new Date(ms).toISOString(), uuid, properties: props }));
      queue.length >= o.flushAt && flush();
    }
    return uuid;
  };
  const timer = setInterval(() => queue.length && flush(), o.flushIntervalMs);
  doc.addEventListener('visibilitychange', onVisibility);
  w.addEventListener('pagehide', unload);

  const tracker = {
    track,
    flush,
    identify: value => {
      distinctId = value;
    },
    optIn: () => {
      consent = true;
      pending.forEach(args => mirror.apply(null, args));
      pending = [];
      adopt();
      persist();
      return flush();
    },
    optOut: () => {
      consent = false;
      queue = [];
      pending = [];
      inflight = null;
      bytes = 0;
      store && [me, ID_KEY].forEach(key => store.removeItem(key));
    },
    stats: () => Object.assign({ queued: queue.length + (inflight ? inflight.length : 0) }, counts),
    close: () => {
      unload();
      closed = true;
      clearInterval(timer);
      doc.removeEventListener('visibilitychange', onVisibility);
      w.removeEventListener('pagehide', unload);
    },
    trackLead: (kind, properties) => REQUIRED['lead_' + kind] ? track('lead_' + kind, properties)
      : refuse('lead kind "' + kind + '" is not one of phone, message, email, appointment')
  };
  // One typed helper per catalogued type: property_view becomes trackPropertyView.
  Object.keys(REQUIRED).forEach(name => {
    tracker['track' + name.replace(/(^|_)(.)/g, (m, u, c) => c.toUpperCase())] = properties => track(name, properties);
  });
  if (consent) {
    adopt();
    persist();
  }
  return tracker;
}

export { createAnalytics, uuidv7 };
