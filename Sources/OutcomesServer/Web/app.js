// Outcomes' only script: the print buttons, and a confirmation before anything is removed or
// ended (a button with data-confirm). Served from /static/app.js, so the pages'
// Content-Security-Policy needs no inline script ('script-src 'self'').
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) { event.preventDefault(); }
});
