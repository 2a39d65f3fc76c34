/*! pyhexo search widget — client-side search over the index written by the `search` generator.
 *
 * Markup (any element; the widget fills it in when it has no <input>):
 *   <div data-pyhexo-search></div>
 *   <script src="/search/search.js" defer></script>
 * Optional attributes on the element: data-index (URL of index.json; default: next to this
 * script, so `root` is handled), data-limit (results shown, default 8), data-placeholder,
 * data-label (accessible name), data-min (characters before searching, default 1).
 *
 * Nothing is fetched until the box is first focused (or "/" is pressed). The index (titles,
 * headings, tags) comes first and answers at once; body-text shards stream in afterwards and the
 * open query is re-ranked as each arrives. Ranking: title > headings > tags > text; every word
 * of the query must match somewhere. Keyboard: ↑/↓ move through results, Enter opens, Esc closes
 * then clears; results are an ARIA listbox driven from a combobox input.
 * No dependencies, no server, works from file-less static hosting and offline caches.
 */
(function (global, factory) {
  'use strict';
  var api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  if (typeof window !== 'undefined' && typeof document !== 'undefined') {
    window.PyhexoSearch = api;
    api.scriptSrc = document.currentScript ? document.currentScript.src : '';
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', function () { api.autoMount(); });
    } else {
      api.autoMount();
    }
  }
})(this, function () {
  'use strict';

  // ------------------------------------------------------------------ text and ranking (pure)

  var WEIGHTS = { title: 100, headings: 40, tags: 30, text: 8 };
  var SPLIT = /[\s,.;:!?()[\]{}<>"'`“”‘’«»|\\/+*=~^$#@&%_，。；：！？、（）【】《》-]+/;

  function fold(s) {
    s = String(s || '').toLowerCase();
    // Strip accents so "resume" finds "résumé"; keep CJK and other scripts as they are.
    return s.normalize ? s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '') : s;
  }

  function tokenize(query) {
    var seen = {}, out = [];
    fold(query).split(SPLIT).forEach(function (t) {
      if (t && !seen[t]) { seen[t] = true; out.push(t); }
    });
    // Longer words first: they are the most selective, so documents fail fast.
    return out.sort(function (a, b) { return b.length - a.length; });
  }

  function isWordStart(hay, at) {
    if (at === 0) return true;
    var c = hay.charAt(at - 1);
    return !/[0-9a-z\u00c0-\u024f]/.test(c);
  }

  /** Score one field for one term: 0 when absent; a bonus when the term starts a word. */
  function fieldScore(hay, term, weight) {
    if (!hay) return 0;
    var at = hay.indexOf(term);
    if (at < 0) return 0;
    var score = weight;
    if (isWordStart(hay, at)) score += weight / 4;
    return score;
  }

  function prepare(index) {
    var docs = (index && index.docs) || [];
    var names = (index && index.tags) || [];
    return docs.map(function (row, id) {
      // Tags are indices into index.tags (plain strings are accepted too).
      var tags = (row[2] || []).map(function (t) { return typeof t === 'number' ? names[t] : t; });
      return {
        id: id, url: row[0], title: row[1] || row[0], tags: tags, headings: row[3] || [],
        date: row[4] || '', text: '',
        f: { title: fold(row[1]), headings: fold((row[3] || []).join('\n')),
             tags: fold(tags.join('\n')), text: '' }
      };
    });
  }

  function addShard(docs, shard) {
    var start = shard.from || 0;
    (shard.text || []).forEach(function (t, i) {
      var d = docs[start + i];
      if (d) { d.text = t; d.f.text = fold(t); }
    });
  }

  function scoreDoc(doc, terms, phrase) {
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i];
      var best = Math.max(
        fieldScore(doc.f.title, t, WEIGHTS.title),
        fieldScore(doc.f.headings, t, WEIGHTS.headings),
        fieldScore(doc.f.tags, t, WEIGHTS.tags),
        fieldScore(doc.f.text, t, WEIGHTS.text));
      if (!best) return 0;                 // every word must match somewhere
      total += best;
    }
    if (phrase && terms.length > 1) {
      if (doc.f.title.indexOf(phrase) >= 0) total += WEIGHTS.title;
      else if (doc.f.headings.indexOf(phrase) >= 0) total += WEIGHTS.headings;
    }
    if (doc.f.title === phrase) total += WEIGHTS.title;  // exact title
    return total;
  }

  /** Ranked matches: [{doc, score}], best first; ties go to the newer document. */
  function search(docs, query, limit) {
    var terms = tokenize(query);
    if (!terms.length) return [];
    var phrase = fold(query).trim().replace(/\s+/g, ' ');
    var hits = [];
    for (var i = 0; i < docs.length; i++) {
      var s = scoreDoc(docs[i], terms, phrase);
      if (s > 0) hits.push({ doc: docs[i], score: s });
    }
    hits.sort(function (a, b) {
      return b.score - a.score || (a.doc.date < b.doc.date ? 1 : a.doc.date > b.doc.date ? -1 : 0) ||
        a.doc.id - b.doc.id;
    });
    return limit ? hits.slice(0, limit) : hits;
  }

  /** A short piece of text around the first match: [{text, mark}] segments. */
  function snippet(doc, terms, width) {
    width = width || 140;
    var sources = [doc.text, doc.headings.join(' · ')];
    for (var s = 0; s < sources.length; s++) {
      var text = sources[s];
      if (!text) continue;
      var folded = fold(text);
      // fold() can change lengths (NFKD); only use positions when they still line up.
      if (folded.length !== text.length) folded = text.toLowerCase();
      var at = -1, term = '';
      for (var i = 0; i < terms.length && at < 0; i++) { at = folded.indexOf(terms[i]); term = terms[i]; }
      if (at < 0) continue;
      var start = Math.max(0, at - Math.floor(width / 3));
      var end = Math.min(text.length, start + width);
      return [
        { text: (start > 0 ? '…' : '') + text.slice(start, at), mark: false },
        { text: text.slice(at, at + term.length), mark: true },
        { text: text.slice(at + term.length, end) + (end < text.length ? '…' : ''), mark: false }
      ];
    }
    return doc.text ? [{ text: doc.text.slice(0, width) + (doc.text.length > width ? '…' : ''), mark: false }] : [];
  }

  // ------------------------------------------------------------------ loading

  var cache = {};   // index URL -> {docs, ready (promise), done (all shards in), listeners}

  function getJSON(url) {
    return fetch(url, { credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) throw new Error(r.status + ' ' + url);
      return r.json();
    });
  }

  function load(indexUrl) {
    if (cache[indexUrl]) return cache[indexUrl];
    var state = { docs: [], done: false, listeners: [] };
    state.ready = getJSON(indexUrl).then(function (index) {
      state.docs = prepare(index);
      var base = new URL(indexUrl, document.baseURI);
      // Shards one after another: the first results never wait for the whole site.
      var chain = Promise.resolve();
      (index.shards || []).forEach(function (s) {
        var url = new URL(Array.isArray(s) ? s[0] : s, base).href;
        chain = chain.then(function () { return getJSON(url); }).then(function (shard) {
          addShard(state.docs, shard);
          state.listeners.forEach(function (fn) { fn(); });
        });
      });
      function finish() {
        state.done = true;
        state.listeners.forEach(function (fn) { fn(); });   // drop the "still loading" note
      }
      chain.then(finish, finish);
      return state;
    });
    cache[indexUrl] = state;
    return state;
  }

  // ------------------------------------------------------------------ widget

  var counter = 0;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text != null) e.textContent = text;
    return e;
  }

  function defaultIndexUrl() {
    var src = (typeof window !== 'undefined' && window.PyhexoSearch && window.PyhexoSearch.scriptSrc) || '';
    return src ? new URL('index.json', src).href : 'search/index.json';
  }

  function mount(box) {
    if (box.__pyhexoSearch) return box.__pyhexoSearch;
    var n = ++counter;
    var limit = parseInt(box.getAttribute('data-limit'), 10) || 8;
    var minLen = parseInt(box.getAttribute('data-min'), 10) || 1;
    var indexUrl = box.getAttribute('data-index') || defaultIndexUrl();
    var input = box.querySelector('input');
    if (!input) {
      var label = el('label', { 'for': 'pyhexo-search-input-' + n, 'class': 'pyhexo-search__label' },
        box.getAttribute('data-label') || 'Search');
      input = el('input', { type: 'search', id: 'pyhexo-search-input-' + n, 'class': 'pyhexo-search__input',
        placeholder: box.getAttribute('data-placeholder') || 'Search posts…' });
      box.appendChild(label);
      box.appendChild(input);
    }
    var listId = 'pyhexo-search-results-' + n;
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', listId);
    input.setAttribute('autocomplete', 'off');
    input.setAttribute('spellcheck', 'false');
    if (!input.getAttribute('aria-label') && !input.id) input.setAttribute('aria-label', 'Search');
    var list = el('ul', { id: listId, role: 'listbox', 'class': 'pyhexo-search__results',
      'aria-label': 'Search results' });
    list.hidden = true;
    var status = el('div', { role: 'status', 'aria-live': 'polite', 'class': 'pyhexo-search__status' });
    box.appendChild(status);
    box.appendChild(list);
    box.classList.add('pyhexo-search');

    var state = null, active = -1, hits = [], timer = 0;

    function ensureLoaded() {
      if (!state) {
        state = load(indexUrl);
        // More of the index arrived: refresh the results but keep the user's highlighted one.
        state.listeners.push(function () { if (input.value) render(true); });
        state.ready.then(function () { if (input.value) render(true); },
          function () { status.textContent = 'Search is unavailable (the index could not be loaded).'; });
      }
      return state;
    }

    function setActive(i) {
      var items = list.children;
      if (active >= 0 && items[active]) items[active].setAttribute('aria-selected', 'false');
      active = i;
      if (i >= 0 && items[i]) {
        items[i].setAttribute('aria-selected', 'true');
        input.setAttribute('aria-activedescendant', items[i].id);
        if (items[i].scrollIntoView) items[i].scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      setActive(-1);
    }

    function render(keepSelection) {
      var q = input.value.trim();
      var keepUrl = keepSelection && active >= 0 && hits[active] ? hits[active].doc.url : null;
      list.textContent = '';
      active = -1;
      input.removeAttribute('aria-activedescendant');
      if (q.length < minLen) { close(); status.textContent = ''; return; }
      var st = ensureLoaded();
      if (!st.docs.length) { status.textContent = 'Loading search index…'; return; }
      hits = search(st.docs, q, limit);
      var terms = tokenize(q);
      hits.forEach(function (h, i) {
        var li = el('li', { id: listId + '-' + i, role: 'option', 'aria-selected': 'false',
          'class': 'pyhexo-search__result' });
        // The option itself is the control (an <a> inside role=option would nest interactive
        // elements); click and Enter navigate.
        var a = el('span', { 'class': 'pyhexo-search__link', 'data-href': h.doc.url });
        a.appendChild(el('span', { 'class': 'pyhexo-search__title' }, h.doc.title));
        if (h.doc.date) a.appendChild(el('span', { 'class': 'pyhexo-search__date' }, h.doc.date));
        var parts = snippet(h.doc, terms);
        if (parts.length) {
          var p = el('span', { 'class': 'pyhexo-search__snippet' });
          parts.forEach(function (part) {
            p.appendChild(part.mark ? el('mark', null, part.text) : document.createTextNode(part.text));
          });
          a.appendChild(p);
        }
        li.appendChild(a);
        li.addEventListener('mousedown', function (e) { e.preventDefault(); });  // keep focus
        li.addEventListener('click', function () { window.location.href = h.doc.url; });
        list.appendChild(li);
      });
      list.hidden = !hits.length;
      input.setAttribute('aria-expanded', hits.length ? 'true' : 'false');
      if (keepUrl) {
        for (var k = 0; k < hits.length; k++) {
          if (hits[k].doc.url === keepUrl) { setActive(k); break; }
        }
      }
      var more = st.done ? '' : ' (still loading full text)';
      status.textContent = hits.length ? hits.length + (hits.length === 1 ? ' result' : ' results') + more
        : 'No results' + more;
    }

    input.addEventListener('focus', ensureLoaded);
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { timer = 0; render(); }, 40);
    });
    input.addEventListener('keydown', function (e) {
      if (timer && (e.key === 'ArrowDown' || e.key === 'ArrowUp' || e.key === 'Enter')) {
        // Results for what was just typed are still pending: show them before moving or opening.
        clearTimeout(timer);
        timer = 0;
        render();
      }
      var count = list.children.length;
      if (e.key === 'ArrowDown') {
        if (list.hidden && count) { list.hidden = false; input.setAttribute('aria-expanded', 'true'); }
        if (count) setActive((active + 1) % count);
        e.preventDefault();
      } else if (e.key === 'ArrowUp') {
        if (count) setActive(active <= 0 ? count - 1 : active - 1);
        e.preventDefault();
      } else if (e.key === 'Enter') {
        var target = hits[active >= 0 ? active : 0];
        if (target && !list.hidden) { e.preventDefault(); window.location.href = target.doc.url; }
      } else if (e.key === 'Escape') {
        if (!list.hidden) close(); else { input.value = ''; status.textContent = ''; }
        e.preventDefault();
      }
    });
    input.addEventListener('blur', function () { setTimeout(close, 150); });
    var form = input.form;
    if (form) {
      // A theme's <form> fallback (e.g. a site: search) is replaced by the local results.
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        render();
        if (hits[0]) window.location.href = hits[0].doc.url;
      });
    }
    var api = { input: input, list: list, render: render, load: ensureLoaded };
    box.__pyhexoSearch = api;
    return api;
  }

  function autoMount() {
    var boxes = document.querySelectorAll('[data-pyhexo-search]');
    Array.prototype.forEach.call(boxes, mount);
    if (boxes.length && !document.__pyhexoSlash) {
      document.__pyhexoSlash = true;
      // "/" focuses the first search box (unless typing somewhere already).
      document.addEventListener('keydown', function (e) {
        if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
        var t = e.target, tag = t && t.tagName;
        if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (t && t.isContentEditable)) return;
        var first = boxes[0].__pyhexoSearch;
        if (first) { e.preventDefault(); first.input.focus(); }
      });
    }
  }

  return { tokenize: tokenize, fold: fold, prepare: prepare, addShard: addShard, search: search,
           snippet: snippet, scoreDoc: scoreDoc, mount: mount, autoMount: autoMount, load: load,
           WEIGHTS: WEIGHTS };
});
