/* greenproc list explorer: any combination of filters, a sort on any column and any
   page of a list of many records (projects, products, organizations), with the state
   in the address so that a filtered list can be shared. It reads what
   src/render/list.rs writes under <list>/list/: meta.json (each facet's values and
   each row's codes, how each column sorts), a column's ranks when it sorts by them,
   and only the row shards the page on screen shows. The rows are the same <tr>s the
   static pages carry. Progressive enhancement: without this file the filter links
   and the pager lead to pages of their own. Every word comes from the page's
   data-t- attributes; no framework, no inline code, nothing from another host. */
(function () {
  "use strict";
  var root = document.querySelector(".list-explorer[data-list-meta]");
  if (!root || !window.fetch || !window.URLSearchParams || !window.history.pushState) return;

  var text = function (key) { return root.getAttribute("data-t-" + key) || ""; };
  var metaUrl = root.getAttribute("data-list-meta");
  var folder = metaUrl.slice(0, metaUrl.lastIndexOf("/") + 1);
  var listRoot = root.getAttribute("data-list-root");
  var listPath = root.getAttribute("data-list-path");
  var fixed = new URLSearchParams(root.getAttribute("data-list-fixed") || "");
  var staticPage = parseInt(root.getAttribute("data-list-page"), 10) || 1;
  var startPath = window.location.pathname;
  var nav = root.querySelector("[data-list-filters]");
  var status = root.querySelector("[data-list-status]");
  var tableBox = root.querySelector("[data-list-table]");
  var tbody = root.querySelector("[data-list-rows]");
  var empty = root.querySelector("[data-list-empty]");
  var pagerBox = root.querySelector("[data-list-pager]");

  var meta = null, facets = [], columns = {}, state = null;
  var ranks = {}, shards = {}, latest = 0, replaced = false;

  function json(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + url);
      return response.json();
    });
  }
  function cached(store, key, url) {
    if (!store[key]) {
      store[key] = json(url).catch(function (error) { delete store[key]; throw error; });
    }
    return store[key];
  }

  /* --- state: selection, sort, page; read from and written to the address --- */
  function valuesIn(params, facet) {
    var keys = [];
    params.getAll(facet.key).forEach(function (v) { keys = keys.concat(v.split(",")); });
    return keys.map(function (key) { return facet.index[key]; })
      .filter(function (i) { return i !== undefined; });
  }
  function readState() {
    var query = new URLSearchParams(window.location.search);
    var here = window.location.pathname;
    var own = here === startPath || here === listPath;
    var s = { chosen: {}, sort: "", order: "asc", page: 1 };
    facets.forEach(function (f) {
      var picked = valuesIn(query, f);
      if (!picked.length && own) picked = valuesIn(fixed, f);
      s.chosen[f.key] = picked.sort(function (a, b) { return a - b; });
    });
    if (columns[query.get("sort")]) {
      s.sort = query.get("sort");
      s.order = query.get("order") === "desc" ? "desc" : "asc";
    }
    var page = parseInt(query.get("page"), 10);
    s.page = page > 0 ? page : (here === startPath ? staticPage : 1);
    return s;
  }
  /* The page's own path while its fixed values are still chosen alone in their facets,
     so that a category's page stays that page; else the whole list's. */
  function addressOf(s) {
    var keep = true;
    fixed.forEach(function (value, key) {
      var f = facets.filter(function (x) { return x.key === key; })[0];
      var chosen = s.chosen[key] || [];
      if (!f || chosen.length !== 1 || f.values[chosen[0]][0] !== value) keep = false;
    });
    var parts = [];
    facets.forEach(function (f) {
      var chosen = s.chosen[f.key];
      if (!chosen.length || (keep && fixed.has(f.key))) return;
      parts.push(f.key + "=" + chosen.map(function (i) {
        return encodeURIComponent(f.values[i][0]);
      }).join(","));
    });
    if (s.sort) parts.push("sort=" + s.sort, "order=" + s.order);
    if (s.page > 1) parts.push("page=" + s.page);
    return (keep ? listPath : listRoot) + (parts.length ? "?" + parts.join("&") : "");
  }
  function isStatic(s) {
    if (s.sort || s.page !== staticPage || window.location.pathname !== startPath) return false;
    return facets.every(function (f) {
      var want = valuesIn(fixed, f);
      var chosen = s.chosen[f.key];
      return chosen.length === want.length && chosen.every(function (v, i) { return v === want[i]; });
    });
  }
  function copy(s) {
    var chosen = {};
    Object.keys(s.chosen).forEach(function (k) { chosen[k] = s.chosen[k].slice(); });
    return { chosen: chosen, sort: s.sort, order: s.order, page: s.page };
  }

  /* --- selection and faceted counts: each facet counted over the rows the other
     facets' choices keep --- */
  function select() {
    var active = facets.map(function (f) {
      var chosen = state.chosen[f.key];
      if (!chosen.length) return null;
      if (f.multi) return chosen.reduce(function (m, i) { return m | (1 << i); }, 0);
      var set = new Uint8Array(f.values.length);
      chosen.forEach(function (i) { set[i] = 1; });
      return set;
    });
    var counts = facets.map(function (f) { return new Uint32Array(f.values.length); });
    var rows = [];
    var count = function (k, row) {
      var c = facets[k].codes[row];
      if (facets[k].multi) {
        for (var bit = 0; c; bit++, c >>>= 1) if (c & 1) counts[k][bit]++;
      } else if (c >= 0) {
        counts[k][c]++;
      }
    };
    for (var row = 0; row < meta.rows; row++) {
      var failed = -1, fails = 0;
      for (var k = 0; k < facets.length && fails < 2; k++) {
        var want = active[k];
        if (want === null) continue;
        var c = facets[k].codes[row];
        var ok = facets[k].multi ? (c & want) !== 0 : c >= 0 && want[c] === 1;
        if (!ok) { fails++; failed = k; }
      }
      if (fails === 0) {
        rows.push(row);
        for (k = 0; k < facets.length; k++) count(k, row);
      } else if (fails === 1) {
        count(failed, row);
      }
    }
    return { rows: rows, counts: counts };
  }
  function sorted(rows) {
    if (!state.sort) return Promise.resolve(rows);
    var column = columns[state.sort];
    var got = typeof column.facet === "number"
      ? Promise.resolve(facets[column.facet].codes.map(function (c) { return c < 0 ? null : c; }))
      : cached(ranks, state.sort, folder + column.ranks);
    var sign = state.order === "desc" ? -1 : 1;
    return got.then(function (rank) {
      return rows.slice().sort(function (a, b) {
        var x = rank[a], y = rank[b];
        if (x === null || y === null) return x === y ? a - b : x === null ? 1 : -1;
        return x !== y ? sign * (x - y) : a - b;
      });
    });
  }
  function rowsHtml(rows) {
    var size = meta.shard;
    var needed = [];
    rows.forEach(function (r) {
      var n = Math.floor(r / size);
      if (needed.indexOf(n) < 0) needed.push(n);
    });
    return Promise.all(needed.map(function (n) {
      var digits = String(n);
      var name = "rows-" + "0000".slice(Math.min(4, digits.length)) + digits + ".json";
      return cached(shards, n, folder + name);
    })).then(function (loaded) {
      var byShard = {};
      needed.forEach(function (n, i) { byShard[n] = loaded[i]; });
      return rows.map(function (r) { return byShard[Math.floor(r / size)][r % size]; }).join("");
    });
  }

  /* --- what the reader sees --- */
  var form, clear;
  function buildFacets() {
    form = document.createElement("form");
    form.className = "list-facets";
    form.setAttribute("aria-label", text("legend"));
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    facets.forEach(function (f) {
      var group = nav.querySelector('[data-facet="' + f.key + '"]');
      if (!group || !f.values.length) return;
      var set = document.createElement("fieldset");
      set.className = "list-facet";
      var legend = document.createElement("legend");
      legend.textContent = group.getAttribute("data-label");
      set.appendChild(legend);
      f.values.forEach(function (value, i) {
        var label = document.createElement("label");
        label.className = "list-option";
        var box = document.createElement("input");
        box.type = "checkbox";
        box.name = f.key;
        box.value = value[0];
        box.addEventListener("change", function () {
          var chosen = state.chosen[f.key].filter(function (v) { return v !== i; });
          if (box.checked) chosen.push(i);
          state.chosen[f.key] = chosen.sort(function (a, b) { return a - b; });
          state.page = 1;
          update(true);
        });
        var name = document.createElement("span");
        name.textContent = value[1];
        var count = document.createElement("span");
        count.className = "count";
        label.appendChild(box);
        label.appendChild(name);
        label.appendChild(count);
        set.appendChild(label);
        f.boxes[i] = { box: box, label: label, count: count };
      });
      form.appendChild(set);
    });
    clear = document.createElement("button");
    clear.type = "button";
    clear.className = "list-clear";
    clear.textContent = text("clear");
    clear.addEventListener("click", function () {
      facets.forEach(function (f) { state.chosen[f.key] = []; });
      state.page = 1;
      update(true);
    });
    form.appendChild(clear);
    nav.hidden = true;
    nav.parentNode.insertBefore(form, nav);
  }
  function showFacets(counts) {
    var any = false;
    facets.forEach(function (f, k) {
      var chosen = state.chosen[f.key];
      any = any || chosen.length > 0;
      f.values.forEach(function (value, i) {
        var item = f.boxes[i];
        if (!item) return;
        var on = chosen.indexOf(i) >= 0;
        item.box.checked = on;
        item.count.textContent = counts[k][i];
        // A value that would empty the list stays in place, greyed, unless chosen.
        item.box.disabled = !on && counts[k][i] === 0;
        item.label.classList.toggle("list-option-empty", item.box.disabled);
      });
    });
    clear.hidden = !any;
  }
  function showSort() {
    root.querySelectorAll("th[data-sort]").forEach(function (th) {
      var key = th.getAttribute("data-sort");
      if (key === state.sort) {
        th.setAttribute("aria-sort", state.order === "desc" ? "descending" : "ascending");
      } else {
        th.removeAttribute("aria-sort");
      }
    });
  }
  function buildSort() {
    root.querySelectorAll("th[data-sort]").forEach(function (th) {
      var key = th.getAttribute("data-sort");
      if (!columns[key]) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        if (state.sort === key) {
          state.order = state.order === "asc" ? "desc" : "asc";
        } else {
          state.sort = key;
          state.order = "asc";
        }
        state.page = 1;
        update(true);
      });
    });
  }
  function link(label, page, current, rel) {
    var a = document.createElement("a");
    var target = copy(state);
    target.page = page;
    a.href = addressOf(target);
    a.textContent = label;
    if (rel) a.rel = rel;
    if (current) a.setAttribute("aria-current", "page");
    if (!rel) a.setAttribute("aria-label", text("page").replace("{n}", page));
    a.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      state.page = page;
      update(true).then(function () { if (tableBox) tableBox.focus(); });
    });
    var li = document.createElement("li");
    li.appendChild(a);
    return li;
  }
  function showPager(pages) {
    if (!pagerBox) {
      pagerBox = document.createElement("nav");
      pagerBox.className = "list-pager";
      pagerBox.setAttribute("aria-label", text("pages"));
      root.appendChild(pagerBox);
    }
    pagerBox.hidden = pages < 2;
    var list = document.createElement("ul");
    var page = state.page;
    if (page > 1) list.appendChild(link(text("prev"), page - 1, false, "prev"));
    var skipped = false;
    for (var p = 1; p <= pages; p++) {
      if (p !== 1 && p !== pages && Math.abs(p - page) > 2) { skipped = true; continue; }
      if (skipped) {
        var gap = document.createElement("li");
        gap.className = "list-pager-gap";
        gap.setAttribute("aria-hidden", "true");
        gap.textContent = text("gap");
        list.appendChild(gap);
        skipped = false;
      }
      list.appendChild(link(String(p), p, p === page, ""));
    }
    if (page < pages) list.appendChild(link(text("next"), page + 1, false, "next"));
    pagerBox.replaceChildren(list);
  }

  /* Shows `state`; with `push`, as a new entry of the browser's history. */
  function update(push) {
    var ticket = ++latest;
    var chosen = select();
    var total = chosen.rows.length;
    var pages = Math.max(1, Math.ceil(total / meta.page));
    if (state.page > pages) state.page = pages;
    if (push) window.history.pushState(null, "", addressOf(state));
    showFacets(chosen.counts);
    showSort();
    status.textContent = text("results").replace("{n}", total);
    if (!replaced && isStatic(state)) {
      // The rows as built stay; the pager's links become the explorer's.
      showPager(pages);
      return Promise.resolve();
    }
    replaced = true;
    if (tableBox) tableBox.setAttribute("aria-busy", "true");
    var start = (state.page - 1) * meta.page;
    return sorted(chosen.rows)
      .then(function (rows) { return rowsHtml(rows.slice(start, start + meta.page)); })
      .then(function (html) {
        if (ticket !== latest) return;
        var template = document.createElement("template");
        template.innerHTML = html;
        tbody.replaceChildren(template.content);
        if (tableBox) {
          tableBox.hidden = total === 0;
          tableBox.removeAttribute("aria-busy");
        }
        if (empty) empty.hidden = total !== 0;
        showPager(pages);
      })
      .catch(function () {
        if (ticket !== latest) return;
        if (tableBox) tableBox.removeAttribute("aria-busy");
        status.textContent = text("error");
        // Back to the links, which need nothing more to load.
        form.hidden = true;
        nav.hidden = false;
      });
  }

  json(metaUrl).then(function (loaded) {
    meta = loaded;
    facets = meta.facets.map(function (f) {
      var index = {};
      f.values.forEach(function (v, i) { index[v[0]] = i; });
      return { key: f.key, multi: f.multi, values: f.values, codes: f.codes, index: index, boxes: [] };
    });
    meta.columns.forEach(function (c) { columns[c.key] = c; });
    state = readState();
    status.setAttribute("role", "status");
    buildFacets();
    buildSort();
    update(false);
    window.addEventListener("popstate", function () {
      state = readState();
      update(false);
    });
  }).catch(function () {
    /* The static page stays as it is: its links still filter and page. */
  });
})();
