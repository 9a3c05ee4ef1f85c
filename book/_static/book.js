// The book's own script (tools/sphinxext/book_site.py adds it to every page).
// A display equation wider than its column (on a phone) is scaled down to fit, as a printed book
// would set it smaller, instead of scrolling sideways; never below 55 % of its size.
(function () {
  function fit() {
    document.querySelectorAll(".katex-display").forEach(function (box) {
      var math = box.querySelector(":scope > .katex");
      if (!math) return;
      math.style.fontSize = "";
      var column = box.closest("div.math") || box.parentElement;
      var cs = getComputedStyle(column);
      var room = column.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      var need = Math.max(math.scrollWidth, box.scrollWidth);
      if (need > room + 1 && room > 0) {
        var size = parseFloat(getComputedStyle(math).fontSize);
        math.style.fontSize = (size * Math.max(0.55, (room - 2) / need)).toFixed(2) + "px";
      }
    });
  }
  var timer = null;
  function later() { clearTimeout(timer); timer = setTimeout(fit, 100); }
  document.addEventListener("DOMContentLoaded", function () {
    fit();
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(fit);
    window.addEventListener("resize", later);
  });
})();

// Closing the chapter list or the page contents (Escape, or a tap outside) gives the focus back to
// the button that opened it, as it should; but that focus (or the tap that opened the drawer) starts
// Bootstrap's tooltip timer (500 ms), and the button's tooltip then appears over the page and stays.
// Timers cannot win that race on a slow machine, so tooltips are refused outright while a drawer is
// open and after one closes, until the reader next presses a key or touches or clicks the page.
(function () {
  var quiet = false;
  function hideTooltips() {
    document.querySelectorAll(".tooltip").forEach(function (tip) { tip.remove(); });
  }
  document.addEventListener("close", function (event) {
    if (event.target && event.target.tagName === "DIALOG") {
      quiet = true;
      hideTooltips();
    }
  }, true);
  document.addEventListener("show.bs.tooltip", function (event) {
    if (quiet || document.querySelector("dialog[open]")) event.preventDefault();
  }, true);
  function wake() { quiet = false; }
  document.addEventListener("keydown", wake, true);
  document.addEventListener("pointerdown", wake, true);
})();
