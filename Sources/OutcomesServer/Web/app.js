// Outcomes' only script: the print buttons, a confirmation before anything is removed or ended
// (a button with data-confirm), and keyboard access to boxes that scroll sideways. Served from
// /static/app.js, so the pages' Content-Security-Policy needs no inline script
// ('script-src 'self'').
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  markScrollAreas();
  window.addEventListener("resize", markScrollAreas);
});
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) { event.preventDefault(); }
});

// A table wider than its box scrolls inside it (on a phone every table may). Such a box can be
// reached and scrolled with the keyboard (WCAG 2.1.1) and is named for screen readers after the
// heading above it; a box that fits gets neither.
function markScrollAreas() {
  document.querySelectorAll("main .scroll, main table").forEach(function (box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== "visible";
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      // A table keeps its own role; a box around one becomes a named region.
      if (box.tagName !== "TABLE") { box.setAttribute("role", "region"); }
      if (!box.hasAttribute("aria-label")) { box.setAttribute("aria-label", "Tabel, der kan rulles vandret: " + nameOf(box)); }
      box.dataset.scrollArea = "";
    } else if (!scrolls && box.dataset.scrollArea !== undefined) {
      box.removeAttribute("tabindex");
      if (box.tagName !== "TABLE") { box.removeAttribute("role"); }
      box.removeAttribute("aria-label");
      delete box.dataset.scrollArea;
    }
  });
}

function nameOf(box) {
  var caption = box.querySelector("caption");
  if (caption) { return caption.textContent.trim(); }
  var card = box.closest("section, article");
  var heading = card && card.querySelector("h2, h3");
  return heading ? heading.textContent.trim() : "tabel";
}
