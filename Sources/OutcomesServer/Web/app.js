// Outcomes' only script: the print buttons. Served from /static/app.js, so the pages'
// Content-Security-Policy needs no inline script ('script-src 'self'').
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});
