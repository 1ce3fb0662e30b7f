// greenproc serve: reloads the page after a rebuild that changed it, and shows the
// build's problems in an overlay while the data or the theme has errors. Served from
// the site's own origin, so it runs under the site's Content-Security-Policy.
(function () {
  "use strict";
  var script = document.currentScript;
  var loaded = script ? Number(script.getAttribute("data-generation")) : -1;
  var seen = null;
  var overlay = null;

  function show(heading, text) {
    if (!overlay) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = "/__greenproc/overlay.css";
      document.head.appendChild(link);
      overlay = document.createElement("div");
      overlay.id = "greenproc-overlay";
      overlay.setAttribute("role", "alert");
      overlay.appendChild(document.createElement("h2"));
      overlay.appendChild(document.createElement("pre"));
      document.body.appendChild(overlay);
    }
    // textContent: the diagnostics quote the editor's files, never markup.
    overlay.firstChild.textContent = heading;
    overlay.lastChild.textContent = text;
  }

  function changedHere(state) {
    return !state.changed || state.changed.indexOf(location.pathname) >= 0;
  }

  var source = new EventSource("/__greenproc/events");
  source.onmessage = function (event) {
    var state = JSON.parse(event.data);
    var first = seen === null;
    if (state.generation === seen) {
      return;
    }
    seen = state.generation;
    if (!state.ok) {
      show(state.heading || "", state.diagnostics || "");
    } else if (overlay) {
      location.reload();
    } else if (first) {
      // Rebuilt since this page was served: reload unless the one step since then
      // left this page alone (or the server restarted and counts from the start).
      if (state.generation !== loaded && (state.generation !== loaded + 1 || changedHere(state))) {
        location.reload();
      }
    } else if (changedHere(state)) {
      location.reload();
    }
  };
})();
