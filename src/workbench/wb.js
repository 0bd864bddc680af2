// The workbench's script. It holds no rule of its own: when a field is
// left it sends the row to the server, which checks it with the same
// validation as `reservkit transcribe --check`, and shows the answer beside
// the fields already visited. It also lists counterparts as one types, and
// tells when another tab or coordinator saved a row of the same sheet.
(function () {
  'use strict';
  var form = document.getElementById('radformular');
  if (!form) return;
  var visited = {};
  var pending = null;

  function body() {
    return new URLSearchParams(new FormData(form)).toString();
  }

  function show(name, errors, warnings) {
    var box = document.getElementById('m-' + name);
    var input = document.getElementById('f-' + name);
    if (!box || !input) return;
    box.textContent = '';
    if (errors) {
      var p = document.createElement('p');
      p.className = 'fel';
      p.textContent = errors;
      box.appendChild(p);
      input.setAttribute('aria-invalid', 'true');
    } else {
      input.removeAttribute('aria-invalid');
    }
    if (warnings) {
      var w = document.createElement('p');
      w.className = 'varning';
      w.textContent = warnings;
      box.appendChild(w);
    }
  }

  function check() {
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(form.dataset.kontroll, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: body(),
      signal: pending.signal,
      credentials: 'same-origin'
    }).then(function (r) { return r.json(); }).then(function (answer) {
      Object.keys(visited).forEach(function (name) {
        show(name, (answer.fel || {})[name], (answer.varningar || {})[name]);
      });
      var hint = document.getElementById('h-motpart');
      if (answer.motpart && visited.motpart && hint) {
        hint.textContent = '→ ' + answer.motpart;
      }
    }).catch(function () {});
  }

  form.addEventListener('focusout', function (event) {
    var input = event.target;
    if (!input.name || input.type === 'hidden') return;
    visited[input.name] = true;
    check();
  });

  // Counterpart completion: the server's directory search.
  var motpart = document.getElementById('f-motpart');
  if (motpart) {
    var list = document.createElement('datalist');
    list.id = 'motpart-forslag';
    document.body.appendChild(list);
    motpart.setAttribute('list', list.id);
    motpart.addEventListener('input', function () {
      var q = motpart.value.trim();
      if (q.length < 2) return;
      var url = form.dataset.motpart + '?q=' + encodeURIComponent(q) + '&blad=' + encodeURIComponent(form.dataset.blad);
      fetch(url, { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (a) {
        list.textContent = '';
        (a.enheter || []).forEach(function (u) {
          var o = document.createElement('option');
          o.value = u.id;
          o.label = u.namn;
          o.textContent = u.namn;
          list.appendChild(o);
        });
      }).catch(function () {});
    });
  }

  // Another tab or coordinator on the same sheet.
  var version = form.querySelector('input[name=version]');
  var said = '';
  function poll() {
    fetch(form.dataset.status + '?version=' + encodeURIComponent(version.value), { credentials: 'same-origin' })
      .then(function (r) { return r.json(); }).then(function (s) {
        var box = document.getElementById('besked');
        if (s.meddelande && s.meddelande !== said && box) {
          said = s.meddelande;
          var p = document.createElement('p');
          p.className = 'varning';
          p.textContent = s.meddelande;
          box.appendChild(p);
        }
      }).catch(function () {}).finally(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 3000);
})();
