// Conditional reveal for radios (a reason box shown when "Reject" is chosen).
// GOV.UK Frontend's radios module also sets aria-expanded on each radio, which axe-core reports as
// an ARIA attribute a radio may not have; this does the same reveal with aria-controls only.
document.querySelectorAll(".app-conditional-radios").forEach(function (group) {
  var inputs = group.querySelectorAll("input[type=radio]");
  function sync() {
    inputs.forEach(function (input) {
      var id = input.getAttribute("data-aria-controls");
      if (!id) return;
      var target = document.getElementById(id);
      if (!target) return;
      input.setAttribute("aria-controls", id);
      target.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
    });
  }
  inputs.forEach(function (input) {
    input.addEventListener("change", sync);
  });
  sync();
});
