// Poll the report's status while it builds; reload the page when it has finished.
(function () {
  "use strict";
  var box = document.getElementById("report-progress");
  var bar = document.getElementById("report-progress-bar");
  if (!box || !bar || !window.fetch) return;
  var url = box.getAttribute("data-status-url");
  var stage = document.getElementById("report-stage");
  var text = document.getElementById("report-progress-text");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.finished) { window.location.reload(); return; }
        bar.value = s.progress;
        bar.textContent = s.progress + "%";
        if (stage) stage.textContent = s.stage || "waiting for a worker";
        if (text) text.textContent = s.progress + "% done";
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
