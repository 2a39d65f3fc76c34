/* Scholar theme: colour-scheme toggle, copy buttons for code, e-mail links, TOC on wide screens. */
(function () {
  'use strict';
  var root = document.documentElement;
  var KEY = 'scholar-theme';
  var media = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;

  function effective() {
    var t = root.getAttribute('data-theme');
    if (t === 'light' || t === 'dark') return t;
    return media && media.matches ? 'dark' : 'light';
  }

  function setupToggle() {
    var btn = document.querySelector('.theme-toggle');
    if (!btn) return;
    var sync = function () { btn.setAttribute('aria-pressed', effective() === 'dark' ? 'true' : 'false'); };
    btn.hidden = false;
    sync();
    btn.addEventListener('click', function () {
      var next = effective() === 'dark' ? 'light' : 'dark';
      root.setAttribute('data-theme', next);
      try { localStorage.setItem(KEY, next); } catch (e) { /* private mode: this page only */ }
      sync();
    });
    if (media && media.addEventListener) media.addEventListener('change', sync);
  }

  function setupCopy() {
    var i18n = document.body.dataset;
    var label = i18n.copy || 'Copy', done = i18n.copied || 'Copied', aria = i18n.copyLabel || label;
    document.querySelectorAll('figure.highlight').forEach(function (fig) {
      var code = fig.querySelector('td.code pre') || fig.querySelector('pre');
      if (!code || !navigator.clipboard) return;
      var btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'copy-btn';
      btn.textContent = label;
      btn.setAttribute('aria-label', aria);
      btn.addEventListener('click', function () {
        var text = Array.prototype.map.call(code.querySelectorAll('.line'), function (l) { return l.textContent; }).join('\n');
        navigator.clipboard.writeText(text || code.innerText).then(function () {
          btn.textContent = done;
          btn.classList.add('done');
          setTimeout(function () { btn.textContent = label; btn.classList.remove('done'); }, 1600);
        });
      });
      fig.appendChild(btn);
    });
  }

  function setupEmail() {
    document.querySelectorAll('a.js-email').forEach(function (a) {
      var addr = a.dataset.u + '@' + a.dataset.d;
      a.href = 'mailto:' + addr;
      if (a.dataset.show) a.textContent = addr;
    });
  }

  function setupToc() {
    var toc = document.querySelector('details.toc-box');
    if (!toc) return;
    var wide = window.matchMedia('(min-width: 80rem)');
    var apply = function () { if (wide.matches) toc.open = true; };
    apply();
    if (wide.addEventListener) wide.addEventListener('change', apply);
  }

  // Keyboard users must be able to scroll wide code, tables and formulas (WCAG 2.1.1).
  function setupScrollables() {
    var mark = function () {
      document.querySelectorAll('figure.highlight table, .prose > table, .prose > pre, math[display=block]').forEach(function (el) {
        if (el.scrollWidth > el.clientWidth + 1) {
          if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '0');
        } else if (el.getAttribute('tabindex') === '0') {
          el.removeAttribute('tabindex');
        }
      });
    };
    mark();
    window.addEventListener('resize', mark);
  }

  function ready() {
    setupToggle();
    setupCopy();
    setupEmail();
    setupToc();
    setupScrollables();
    window.addEventListener('beforeprint', function () {
      document.querySelectorAll('details').forEach(function (d) { d.open = true; });
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready);
  else ready();
})();
