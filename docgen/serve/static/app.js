// Validation errors (422) and conflicts (409) are pages to show, not failures to hide.
document.addEventListener("DOMContentLoaded", function () {
  if (window.htmx) {
    htmx.config.responseHandling = [
      {code: "204", swap: false},
      {code: "[23]..", swap: true},
      {code: "40[09]", swap: true, error: false},
      {code: "422", swap: true, error: false},
      {code: "[45]..", swap: true, error: true}
    ];
  }
});
// Every request htmx makes carries the page's form token (CSRF), as every form does.
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers["X-CSRF-Token"] = meta.content; }
});
var docgenIndex = 1000;
function nextIndex() { docgenIndex += 1; return docgenIndex; }
