// The case page's action composer: show only the chosen action's fields (the others are
// hidden and disabled, so they are neither checked nor sent) and name the action on the
// button. Without this script every field shows and the server reads the chosen ones.
(function () {
  "use strict";
  var form = document.getElementById("act-form");
  if (!form) { return; }
  var irreversible = (form.getAttribute("data-irreversible") || "").split(" ");
  var button = document.getElementById("act-submit");
  var plain = button.textContent;

  function chosen() {
    var picked = form.querySelector("input[name=action]:checked");
    return picked ? picked : null;
  }

  function update() {
    var picked = chosen();
    var action = picked ? picked.value : "";
    form.querySelectorAll("fieldset.action-fields").forEach(function (set) {
      var mine = set.getAttribute("data-action") === action;
      set.hidden = !mine;
      set.disabled = !mine;
    });
    button.textContent = picked ? picked.getAttribute("data-label") : plain;
    button.classList.toggle("danger", irreversible.indexOf(action) >= 0);
  }

  form.querySelectorAll("input[name=action]").forEach(function (radio) {
    radio.addEventListener("change", update);
  });
  update();
}());
