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
