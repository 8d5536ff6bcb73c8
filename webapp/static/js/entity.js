/* Entity page: one button opens or closes every source passage (<details class="evidence">).
 * The passages work without it; the button only appears when this script runs. */
(function () {
  "use strict";

  var button = document.getElementById("toggle-passages");
  var passages = Array.prototype.slice.call(document.querySelectorAll("details.evidence"));
  if (!button || !passages.length) return;

  function allOpen() {
    return passages.every(function (details) {
      return details.open;
    });
  }

  function label() {
    var opened = allOpen();
    button.textContent = opened ? button.dataset.close : button.dataset.open;
    button.setAttribute("aria-pressed", opened ? "true" : "false");
  }

  button.hidden = false;
  label();
  button.addEventListener("click", function () {
    var open = !allOpen();
    passages.forEach(function (details) {
      details.open = open;
    });
    label();
  });
  passages.forEach(function (details) {
    details.addEventListener("toggle", label);
  });
})();
