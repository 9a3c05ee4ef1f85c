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
// the button that opened it, as it should; but that focus also shows the button's tooltip, which then
// stays over the page. Hide tooltips that a closing drawer brought up.
(function () {
  function hideTooltips() {
    document.querySelectorAll(".tooltip").forEach(function (tip) { tip.remove(); });
  }
  document.addEventListener("close", function (event) {
    if (event.target && event.target.tagName === "DIALOG") {
      setTimeout(hideTooltips, 0);
      setTimeout(hideTooltips, 250);
    }
  }, true);
})();
