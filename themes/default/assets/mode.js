// The 适老化 mode: larger text and higher contrast, as the class `elder` on <html>.
// Loaded in <head> without defer, so that the class is set before the first paint
// and a page never flashes in the normal mode; a strict CSP allows it as a file from
// 'self'. The visitor's choice lives in localStorage, so it holds on every page and
// after a reload. The header's switch is hidden in the markup (without script it
// could do nothing) and shown and wired here once the page is parsed.
(function () {
  "use strict";
  var KEY = "greenproc-elder";
  var root = document.documentElement;
  function remembered() {
    try {
      return window.localStorage.getItem(KEY) === "on";
    } catch (e) {
      // Storage blocked by the browser's settings: the mode lasts one page.
      return false;
    }
  }
  function remember(on) {
    try {
      if (on) {
        window.localStorage.setItem(KEY, "on");
      } else {
        window.localStorage.removeItem(KEY);
      }
    } catch (e) {
      // As above: without storage the choice is not kept, the page still switches.
    }
  }
  root.classList.toggle("elder", remembered());
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("mode-switch");
    if (!button) {
      return;
    }
    button.setAttribute("aria-pressed", String(root.classList.contains("elder")));
    button.hidden = false;
    button.addEventListener("click", function () {
      var on = !root.classList.contains("elder");
      root.classList.toggle("elder", on);
      button.setAttribute("aria-pressed", String(on));
      remember(on);
    });
  });
})();
