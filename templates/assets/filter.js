// Sökrutan i kontaktkatalogen. Sidan är komplett utan skriptet: formuläret är
// dolt tills skriptet visar det, och då filtreras posterna medan man skriver.
(function () {
  'use strict';
  var form = document.getElementById('filter');
  var input = document.getElementById('filter-text');
  var status = document.getElementById('filter-status');
  if (!form || !input || !status) { return; }
  form.hidden = false;
  var items = Array.prototype.slice.call(document.querySelectorAll('[data-sok]'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('[data-grupp]')).reverse();
  function norm(s) {
    return s.toLowerCase().replace(/[\s-]+/g, ' ').trim();
  }
  function digits(s) { return s.replace(/\D/g, ''); }
  var texts = items.map(function (el) { return norm(el.getAttribute('data-sok') || ''); });
  var numbers = items.map(function (el) { return digits(el.getAttribute('data-sok') || ''); });
  function apply() {
    var q = norm(input.value);
    var qd = digits(input.value);
    var numeric = qd.length >= 3 && /^[\d\s+-]+$/.test(input.value.trim());
    var shown = 0;
    items.forEach(function (el, i) {
      var hit = !q || texts[i].indexOf(q) !== -1 || (numeric && numbers[i].indexOf(qd) !== -1);
      el.hidden = !hit;
      if (hit) { shown += 1; }
    });
    groups.forEach(function (g) { g.hidden = !!q && !g.querySelector('[data-sok]:not([hidden])'); });
    status.textContent = q ? (shown === 1 ? '1 träff' : shown + ' träffar') : '';
  }
  input.addEventListener('input', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); apply(); });
})();
