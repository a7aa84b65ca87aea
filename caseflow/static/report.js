// The report form: while the resident chooses the place and the kind of problem, show the
// open reports like theirs at the same complex (已有人反映), fetched as a part of the page.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  var box = document.getElementById("similar");
  if (!form || !box) { return; }
  function refresh() {
    var unit = form.elements.unit.value, category = form.elements.category.value;
    if (!unit || !category) { box.innerHTML = ""; return; }
    var url = box.dataset.source + "?unit=" + encodeURIComponent(unit) +
      "&category=" + encodeURIComponent(category);
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { box.innerHTML = html; });
  }
  form.elements.unit.addEventListener("change", refresh);
  form.elements.category.addEventListener("change", refresh);
})();
