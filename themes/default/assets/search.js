/* greenproc site search: the browser half of src/search/. It fetches the manifest,
   then only the posting shards and document chunks a query needs, and mirrors the
   Rust side's normalization, keys and scoring (src/search/text.rs, index.rs,
   query.rs): change one, change the other. No framework, no inline code, nothing
   from another host. */
(function () {
  "use strict";
  var root = document.getElementById("search-app");
  if (!root) return;
  var base = root.getAttribute("data-base") || "/";
  var dir = base + "search/index/";
  var text = function (key) { return root.getAttribute("data-t-" + key) || ""; };
  var form = document.getElementById("search-page-form");
  var input = document.getElementById("search-page-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var selects = {
    kind: document.getElementById("search-kind"),
    district: document.getElementById("search-district"),
    category: document.getElementById("search-category")
  };
  var PAGE = 10;
  var TITLE = 4, RELATED = 2, BODY = 1;
  var meta = null, dictionary = null, cache = {}, ranked = [], shown = 0, lastQuery = "";

  root.hidden = false;
  var fallback = document.getElementById("search-fallback");
  if (fallback) fallback.hidden = true;

  /* --- text, as in text.rs ---------------------------------------------- */
  var OPEN = "([{〔【〖「『〈《⦅", CLOSE = ")]}〕】〗」』〉》⦆";
  function normalize(s) {
    var out = "";
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i), ch = s[i];
      if (c >= 0xff01 && c <= 0xff5e) ch = String.fromCharCode(c - 0xfee0);
      else if (c === 0x3000) ch = " ";
      if (OPEN.indexOf(ch) >= 0) ch = "[";
      else if (CLOSE.indexOf(ch) >= 0) ch = "]";
      else if (ch >= "A" && ch <= "Z") ch = ch.toLowerCase();
      out += ch;
    }
    return out;
  }
  function isHan(cp) {
    return (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3134f);
  }
  function isWord(ch) { return /^[a-z0-9]$/.test(ch); }
  /* Runs of Chinese characters or of ASCII letters and digits. */
  function runs(s) {
    var out = [], cur = "", curHan = null;
    for (var ch of s) {
      var cls = isHan(ch.codePointAt(0)) ? true : isWord(ch) ? false : null;
      if (cls === curHan && cls !== null) { cur += ch; continue; }
      if (curHan !== null) out.push({ han: curHan, text: cur });
      cur = cls === null ? "" : ch;
      curHan = cls;
    }
    if (curHan !== null) out.push({ han: curHan, text: cur });
    return out;
  }
  function bigrams(run) {
    var chars = Array.from(run);
    if (chars.length < 2) return [run];
    var out = [];
    for (var i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    return out;
  }
  function codeKey(s) {
    var out = "";
    for (var ch of normalize(s)) if (isWord(ch) || isHan(ch.codePointAt(0))) out += ch;
    return out;
  }
  function segment(run) {
    var chars = Array.from(run), out = [], i = 0;
    while (i < chars.length) {
      var found = 0;
      for (var len = Math.min(dictionary.longest, chars.length - i); len >= 2; len--) {
        if (dictionary.terms.has(chars.slice(i, i + len).join(""))) { found = len; break; }
      }
      if (found) { out.push(chars.slice(i, i + found).join("")); i += found; } else i += 1;
    }
    return out;
  }
  function fnv1a(s) {
    var bytes = new TextEncoder().encode(s), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    return h >>> 0;
  }
  function shardKey(term) {
    var shortWord = term.length <= meta.prefixWordMax && /^[a-z0-9]+$/.test(term);
    return shortWord ? term.slice(0, 3) : term;
  }

  /* --- fetching ----------------------------------------------------------- */
  function get(path, kind) {
    if (!cache[path]) {
      cache[path] = fetch(dir + path + "?v=" + (meta ? meta.version : Date.now()))
        .then(function (r) {
          if (!r.ok) throw new Error(path + ": " + r.status);
          return kind ? r.arrayBuffer() : r.json();
        })
        .then(function (data) {
          if (kind === "bin") return decodeShard(new Uint8Array(data));
          return kind ? new Uint8Array(data) : data;
        });
      cache[path].catch(function () { delete cache[path]; });
    }
    return cache[path];
  }
  /* Shard format: see index.rs. Terms map to loaders of their posting lists. */
  function varints(bytes, at, n) {
    var out = [], v = 0, shift = 0;
    while (out.length < n) {
      var b = bytes[at++];
      v += (b & 0x7f) * Math.pow(2, shift);
      shift += 7;
      if (b < 0x80) { out.push(v); v = 0; shift = 0; }
    }
    out.next = at;
    return out;
  }
  function decodePostings(bytes) {
    var ids = [], masks = [], id = 0, v = 0, shift = 0;
    for (var i = 0; i < bytes.length; i++) {
      var b = bytes[i];
      v += (b & 0x7f) * Math.pow(2, shift);
      shift += 7;
      if (b < 0x80) {
        id += Math.floor(v / 8);
        ids.push(id); masks.push(v & 7);
        v = 0; shift = 0;
      }
    }
    return { ids: ids, masks: masks };
  }
  function decodeShard(bytes) {
    var decoder = new TextDecoder(), head = varints(bytes, 0, 1), at = head.next, heads = [];
    for (var i = 0; i < head[0]; i++) {
      var len = varints(bytes, at, 1);
      var key = decoder.decode(bytes.subarray(len.next, len.next + len[0]));
      var rest = varints(bytes, len.next + len[0], 3);
      at = rest.next;
      heads.push([key, rest[1], rest[2]]);
    }
    var terms = new Map();
    heads.forEach(function (h) {
      if (h[2] === 0) {
        var slice = bytes.subarray(at, at + h[1]);
        at += h[1];
        terms.set(h[0], function () { return Promise.resolve(decodePostings(slice)); });
      } else {
        terms.set(h[0], function () {
          return get("t/" + (h[2] - 1) + ".bin", "bin-raw").then(decodePostings);
        });
      }
    });
    return terms;
  }
  function shardOf(term) {
    return get("s/" + (fnv1a(shardKey(term)) % meta.shards) + ".bin", "bin");
  }
  function postings(term) {
    return shardOf(term).then(function (shard) {
      var load = shard.get(term);
      return load ? load() : { ids: [], masks: [] };
    });
  }
  function toMap(p, into, score) {
    for (var i = 0; i < p.ids.length; i++) {
      var s = score(p.masks[i]), old = into.get(p.ids[i]);
      if (old === undefined || s > old) into.set(p.ids[i], s);
    }
    return into;
  }

  /* --- scoring, as in query.rs ------------------------------------------- */
  function weight(mask) {
    return mask & TITLE ? 32 : mask & RELATED ? 8 : mask & BODY ? 2 : 1;
  }
  function parse(query) {
    var all = runs(normalize(query));
    return all.map(function (run, i) {
      if (run.han) {
        if (Array.from(run.text).length === 1) return { type: "char", text: run.text };
        // As in query.rs: every bigram up to three characters, every other (and the
        // last) beyond.
        var grams = bigrams(run.text), step = grams.length >= 3 ? 2 : 1, cover = [];
        for (var g = 0; g < grams.length; g += step) cover.push(grams[g]);
        if (cover[cover.length - 1] !== grams[grams.length - 1]) cover.push(grams[grams.length - 1]);
        return { type: "han", text: run.text, cover: cover, terms: segment(run.text) };
      }
      var prefix = i + 1 === all.length && run.text.length >= 3 && run.text.length <= meta.prefixWordMax;
      return { type: "word", text: run.text, prefix: prefix };
    });
  }
  function scorePart(part) {
    if (part.type === "han") {
      return Promise.all(part.cover.map(postings)).then(function (lists) {
        var scores = new Map();
        var rest = lists.slice(1).map(function (l) { return toMap(l, new Map(), function (m) { return m; }); });
        var first = lists[0];
        for (var i = 0; i < first.ids.length; i++) {
          var id = first.ids[i], mask = first.masks[i], ok = true;
          for (var j = 0; j < rest.length && ok; j++) {
            var m = rest[j].get(id);
            if (m === undefined) ok = false; else mask &= m;
          }
          if (ok) scores.set(id, weight(mask));
        }
        return Promise.all(part.terms.map(function (t) { return postings("=" + t); })).then(function (wholes) {
          wholes.forEach(function (w) {
            for (var k = 0; k < w.ids.length; k++) {
              var s = scores.get(w.ids[k]);
              if (s !== undefined) scores.set(w.ids[k], s + weight(w.masks[k]));
            }
          });
          return scores;
        });
      });
    }
    if (part.type === "char") {
      return postings(part.text).then(function (p) {
        return toMap(p, new Map(), function (m) { return weight(m) >> 1; });
      });
    }
    return shardOf(part.text).then(function (shard) {
      var loads = [];
      shard.forEach(function (load, term) {
        var exact = term === part.text;
        if (exact || (part.prefix && term.length <= meta.prefixWordMax && term.indexOf(part.text) === 0)) {
          loads.push(load().then(function (p) { return [exact, p]; }));
        }
      });
      return Promise.all(loads).then(function (lists) {
        var scores = new Map();
        lists.forEach(function (l) {
          toMap(l[1], scores, function (m) { return l[0] ? weight(m) : weight(m) >> 1; });
        });
        return scores;
      });
    });
  }
  function titleBonus(title, wanted) {
    if (!wanted) return 0;
    return title === wanted ? 64 : title.indexOf(wanted) >= 0 ? 32 : 0;
  }

  /* --- the page ----------------------------------------------------------- */
  function filters() {
    var out = [];
    if (selects.kind.value) out.push("@k:" + selects.kind.value);
    if (selects.district.value) out.push("@d:" + selects.district.value);
    if (selects.category.value) out.push("@c:" + selects.category.value);
    return out;
  }
  function fillSelect(select, rows) {
    rows.forEach(function (row) {
      var option = document.createElement("option");
      option.value = row[0];
      option.textContent = row[1];
      select.appendChild(option);
    });
  }
  function say(message) { status.textContent = message; }
  function doc(id) {
    var chunk = Math.floor(id / meta.chunk);
    return get("d/" + chunk + ".json").then(function (rows) { return rows[id % meta.chunk]; });
  }
  function search(query) {
    lastQuery = query;
    var started = performance.now();
    list.textContent = "";
    more.hidden = true;
    var parts = parse(query);
    if (!parts.length) { say(text("empty")); return Promise.resolve(); }
    say(text("loading"));
    var key = codeKey(query);
    var code = key.length >= 6 && /[0-9]/.test(key)
      ? get("c/" + (fnv1a(key) % meta.codeShards) + ".json")
      : Promise.resolve({});
    return code.then(function (codes) {
      var hit = codes[key];
      if (hit && !filters().length) {
        say(text("redirect").replace("{title}", hit[1]));
        location.replace(address(hit[0]));
        return;
      }
      var work = parts.map(scorePart).concat(filters().map(postings));
      return Promise.all(work).then(function (maps) {
        if (query !== lastQuery) return;
        var scores = maps[0];
        for (var i = 1; i < parts.length; i++) {
          var next = new Map(), other = maps[i];
          scores.forEach(function (s, id) {
            var o = other.get(id);
            if (o !== undefined) next.set(id, s + o);
          });
          scores = next;
        }
        maps.slice(parts.length).forEach(function (allowed) {
          var keep = new Set(allowed.ids);
          scores.forEach(function (_, id) { if (!keep.has(id)) scores.delete(id); });
        });
        ranked = Array.from(scores.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
        shown = 0;
        return showMore(query, started, true);
      });
    }).catch(function () { say(text("error")); });
  }
  function showMore(query, started, first) {
    var page = ranked.slice(shown, shown + PAGE);
    var wanted = normalize(query).replace(/\s+/g, "");
    return Promise.all(page.map(function (r) { return doc(r[0]); })).then(function (rows) {
      if (query !== lastQuery) return;
      var hits = rows.map(function (row, i) {
        return { row: row, score: page[i][1] + titleBonus(normalize(row[1]), wanted), order: i };
      });
      hits.sort(function (a, b) { return b.score - a.score || a.order - b.order; });
      var dataArrived = performance.now();
      var terms = highlightTerms(query);
      var fragment = document.createDocumentFragment();
      hits.forEach(function (h) { fragment.appendChild(item(h.row, terms)); });
      list.appendChild(fragment);
      shown += page.length;
      more.hidden = shown >= ranked.length;
      say(ranked.length
        ? text("count").replace("{n}", ranked.length)
        : text("none"));
      root.setAttribute("data-render-ms", (performance.now() - dataArrived).toFixed(1));
      root.setAttribute("data-total-ms", (performance.now() - started).toFixed(1));
      if (!first && list.children[shown - page.length]) {
        list.children[shown - page.length].querySelector("a").focus();
      }
    });
  }
  /* The visible pieces a query matches: its runs, also in the title's own forms. */
  function highlightTerms(query) {
    return runs(normalize(query)).map(function (r) { return r.text; })
      .sort(function (a, b) { return b.length - a.length; });
  }
  function mark(parent, value, terms) {
    var norm = normalize(value), at = 0;
    // Normalization keeps length for the BMP, so offsets map back to the original.
    var sameLength = norm.length === value.length;
    while (at < value.length) {
      var best = -1, len = 0;
      terms.forEach(function (t) {
        var i = sameLength ? norm.indexOf(t, at) : -1;
        if (i >= 0 && (best < 0 || i < best)) { best = i; len = t.length; }
      });
      if (best < 0) break;
      parent.appendChild(document.createTextNode(value.slice(at, best)));
      var m = document.createElement("mark");
      m.textContent = value.slice(best, best + len);
      parent.appendChild(m);
      at = best + len;
    }
    parent.appendChild(document.createTextNode(value.slice(at)));
  }
  function snippet(summary, terms) {
    var norm = normalize(summary), first = -1;
    terms.forEach(function (t) {
      var i = norm.indexOf(t);
      if (i >= 0 && (first < 0 || i < first)) first = i;
    });
    var from = Math.max(0, first - 30);
    var cut = summary.slice(from, from + 120);
    return (from > 0 ? "…" : "") + cut + (from + 120 < summary.length ? "…" : "");
  }
  // A province's search also finds its cities' project pages, which live on the
  // cities' own sites: those paths are whole addresses.
  function address(path) {
    return /^https?:\/\//.test(path) ? path : base + path;
  }
  function item(row, terms) {
    var li = document.createElement("li");
    li.className = "search-hit";
    var kind = document.createElement("span");
    kind.className = "badge search-kind";
    kind.textContent = kindNames[row[0]] || row[0];
    var h = document.createElement("h2");
    var a = document.createElement("a");
    a.href = address(row[2]);
    mark(a, row[1], terms);
    h.appendChild(kind);
    h.appendChild(document.createTextNode(" "));
    h.appendChild(a);
    li.appendChild(h);
    if (row[3] && row[3].length) {
      var facts = document.createElement("p");
      facts.className = "search-facts muted";
      mark(facts, row[3].join(" · "), terms);
      li.appendChild(facts);
    }
    if (row[4]) {
      var p = document.createElement("p");
      p.className = "search-snippet";
      mark(p, snippet(row[4], terms), terms);
      li.appendChild(p);
    }
    return li;
  }
  var kindNames = {};

  function current() {
    var params = new URLSearchParams(location.search);
    return {
      q: params.get("q") || "",
      kind: params.get("kind") || "",
      district: params.get("district") || "",
      category: params.get("category") || ""
    };
  }
  function run() {
    var c = current();
    input.value = c.q;
    Object.keys(selects).forEach(function (k) { selects[k].value = c[k]; });
    if (c.q.trim()) search(c.q); else say(text("empty"));
  }
  /* The address carries the query and filters, so a search can be shared. */
  function submit(event) {
    if (event) event.preventDefault();
    var params = new URLSearchParams();
    if (input.value.trim()) params.set("q", input.value.trim());
    Object.keys(selects).forEach(function (k) { if (selects[k].value) params.set(k, selects[k].value); });
    history.pushState(null, "", "?" + params.toString());
    run();
  }

  fetch(dir + "meta.json", { cache: "no-cache" })
    .then(function (r) { return r.json(); })
    .then(function (m) {
      meta = m;
      dictionary = { terms: new Set(m.terms), longest: 0 };
      m.terms.forEach(function (t) { dictionary.longest = Math.max(dictionary.longest, Array.from(t).length); });
      m.kinds.forEach(function (k) { kindNames[k[0]] = k[1]; });
      fillSelect(selects.kind, m.kinds);
      fillSelect(selects.district, m.districts);
      fillSelect(selects.category, m.categories);
      form.addEventListener("submit", submit);
      Object.keys(selects).forEach(function (k) { selects[k].addEventListener("change", submit); });
      more.addEventListener("click", function () { showMore(lastQuery, performance.now(), false); });
      window.addEventListener("popstate", run);
      run();
    })
    .catch(function () { say(text("error")); });
})();
