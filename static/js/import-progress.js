// Show a background import's progress by polling its JSON status; reload when it finishes so
// the page shows the outcome. Without JavaScript the page offers a refresh link instead.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("import-progress-bar");
  var text = document.getElementById("import-progress-text");

  function poll() {
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        if (job.finished) {
          window.location.reload();
          return;
        }
        bar.value = job.percent;
        bar.textContent = job.percent + "%";
        text.textContent = job.status_label + ": checked " + job.rows_checked + " of " + (job.total_rows || "?") + " rows.";
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
