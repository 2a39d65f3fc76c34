/* pyhexo publications: reveal and wire the "Copy" buttons of BibTeX blocks. Safe to include twice. */
(function () {
  if (window.__pyhexoPubCopy) return;
  window.__pyhexoPubCopy = true;
  function reveal() {
    var buttons = document.querySelectorAll('button[data-pub-copy]');
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].setAttribute('aria-live', 'polite');
    }
  }
  function fallbackCopy(text) {
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.top = '-1000px';
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error('copy failed'));
  }
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('button[data-pub-copy]');
    if (!button) return;
    var source = document.getElementById(button.getAttribute('data-pub-copy'));
    if (!source) return;
    var label = button.getAttribute('data-label') || button.textContent;
    button.setAttribute('data-label', label);
    copy(source.textContent).then(function () {
      button.textContent = 'Copied!';
      button.classList.add('pub-copied');
    }, function () {
      button.textContent = 'Press Ctrl+C';
      var range = document.createRange();
      range.selectNodeContents(source);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    });
    clearTimeout(button.__pubTimer);
    button.__pubTimer = setTimeout(function () {
      button.textContent = label;
      button.classList.remove('pub-copied');
    }, 2000);
  });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', reveal);
  else reveal();
})();
