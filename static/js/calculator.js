// The live calculator: as quantities are typed, ask the server for the results panel and show
// it. The server's engine is the only place sums are done; without JavaScript the Calculate
// button submits the same form and the page shows the same panel.
(function () {
  "use strict";
  var form = document.getElementById("calculator-form");
  var panel = document.getElementById("calculator-result");
  var announce = document.getElementById("calculator-announce");
  if (!form || !panel || !window.fetch || !window.URLSearchParams) return;

  var url = form.getAttribute("data-result-url");
  var timer = null;
  var latest = 0;

  function update() {
    var ticket = ++latest;
    var data = new FormData(form);
    // Only figures go in the query: no long texts (a tender's method statement) or tokens.
    form.querySelectorAll("textarea, input[type=hidden]").forEach(function (el) {
      data.delete(el.name);
    });
    var query = new URLSearchParams(data).toString();
    fetch(url + "?" + query, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.text();
      })
      .then(function (html) {
        if (ticket !== latest) return; // a newer request has been sent since
        panel.innerHTML = html;
        var summary = panel.querySelector("[data-summary]");
        if (announce && summary) announce.textContent = summary.getAttribute("data-summary");
      })
      .catch(function () {
        /* leave the last result; the Calculate button still works */
      });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 250);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
