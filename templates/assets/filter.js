// Sökrutan i kontaktkatalogen. Sidan är komplett utan skriptet: formuläret är
// dolt tills skriptet visar det, och då filtreras posterna medan man skriver.
//
// Varje ord i sökningen ska finnas någonstans i posten (enhetens namn, sjukhus
// eller kommun, nummerrubriker), i valfri ordning. Stora och små bokstäver och
// accenter räknas lika (å och ä som a, ö som o), så "lulea" hittar Luleå. Ett
// ord av siffror hittar också siffrorna i numren, och en sökning av bara
// siffror ("0920 28") hittar numret även när grupperna skrivs på annat sätt.
(function () {
  'use strict';
  var form = document.getElementById('filter');
  var input = document.getElementById('filter-text');
  var status = document.getElementById('filter-status');
  if (!form || !input || !status) { return; }
  form.hidden = false;
  var items = Array.prototype.slice.call(document.querySelectorAll('[data-sok]'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('[data-grupp]')).reverse();
  function fold(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  }
  function words(s) {
    return fold(s).split(/[\s,;:()\-–]+/).filter(function (w) { return w.length > 0; });
  }
  function digits(s) { return s.replace(/\D/g, ''); }
  var texts = items.map(function (el) { return ' ' + words(el.getAttribute('data-sok') || '').join(' ') + ' '; });
  var numbers = items.map(function (el) {
    // Varje nummers siffror för sig, både som de skrivs (0920) och utan nolla
    // först, som i det internationella formatet (+46 920).
    var found = (el.getAttribute('data-sok') || '').match(/[\d][\d\s-]{3,}\d/g) || [];
    return found.map(digits);
  });
  function wordHits(i, w) {
    if (texts[i].indexOf(w) !== -1) { return true; }
    if (/^\d+$/.test(w)) {
      return numbers[i].some(function (n) { return n.indexOf(w) !== -1; });
    }
    return false;
  }
  function apply() {
    var raw = input.value;
    var ws = words(raw);
    var onlyDigits = /^[\d\s+\-]+$/.test(raw.trim()) && digits(raw).length >= 3;
    var qd = digits(raw).replace(/^46/, '0');
    var shown = 0;
    items.forEach(function (el, i) {
      var hit = ws.length === 0 ||
        ws.every(function (w) { return wordHits(i, w); }) ||
        (onlyDigits && numbers[i].some(function (n) { return n.indexOf(qd) !== -1; }));
      el.hidden = !hit;
      if (hit) { shown += 1; }
    });
    groups.forEach(function (g) { g.hidden = ws.length > 0 && !g.querySelector('[data-sok]:not([hidden])'); });
    status.textContent = ws.length ? (shown === 1 ? '1 träff' : shown + ' träffar') : '';
  }
  input.addEventListener('input', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); apply(); });
})();
