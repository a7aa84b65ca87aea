/* The unit picker: turns the plain <select name="unit"> of a .unit-picker into a search box
   over every unit the viewer may see (GET data-search?q=..., JSON [{code,name,kind,path}]).
   Without script the select still works. No library; the select stays the form's field. */
(function () {
  "use strict";

  function setup(box) {
    var select = box.querySelector("select");
    if (!select || !window.fetch) { return; }
    var input = document.createElement("input");
    var list = document.createElement("ul");
    var listId = select.id + "-options";
    var timer = null;
    var active = -1;
    var found = [];
    var asked = 0;  /* answers to older searches are dropped */
    input.type = "search";
    input.id = select.id + "-search";
    input.className = "unit-search";
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.placeholder = select.options[0] ? select.options[0].text : "";
    if (select.value) { input.value = select.options[select.selectedIndex].text.split(" · ")[0]; }
    list.id = listId;
    list.className = "unit-options";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var label = box.querySelector("label");
    if (label) { label.htmlFor = input.id; }
    select.hidden = true;
    select.tabIndex = -1;
    select.parentNode.insertBefore(input, select);
    select.parentNode.insertBefore(list, select.nextSibling);

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function pick(unit) {
      var option = Array.prototype.find.call(select.options, function (o) {
        return o.value === unit.code;
      });
      if (!option) {
        option = document.createElement("option");
        option.value = unit.code;
        option.text = unit.name;
        select.appendChild(option);
      }
      select.value = unit.code;
      input.value = unit.name;
      close();
    }

    function highlight(index) {
      var items = list.querySelectorAll("li[role=option]");
      active = Math.max(-1, Math.min(index, items.length - 1));
      Array.prototype.forEach.call(items, function (li, n) {
        li.setAttribute("aria-selected", n === active ? "true" : "false");
      });
      if (active >= 0) { input.setAttribute("aria-activedescendant", items[active].id); }
    }

    function show(units) {
      found = units;
      list.textContent = "";
      if (!units.length) {
        var none = document.createElement("li");
        none.className = "muted";
        none.textContent = box.getAttribute("data-empty") || "";
        list.appendChild(none);
      }
      units.forEach(function (unit, n) {
        var li = document.createElement("li");
        var where = document.createElement("span");
        li.id = listId + "-" + n;
        li.setAttribute("role", "option");
        li.textContent = unit.name + " ";
        where.className = "muted small";
        where.textContent = unit.kind + (unit.path ? " · " + unit.path : "");
        li.appendChild(where);
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();  /* keep the focus in the box */
          pick(unit);
        });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(-1);
    }

    function search() {
      var url = box.getAttribute("data-search") + "?q=" + encodeURIComponent(input.value.trim());
      var mine = ++asked;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (units) { if (mine === asked) { show(units); } })
        .catch(close);
    }

    input.addEventListener("input", function () {
      if (!input.value.trim()) { select.value = ""; }
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("focus", function () { if (!input.value) { search(); } });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); if (list.hidden) { search(); } else { highlight(active + 1); } }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        pick(found[active]);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".unit-picker"), setup);
  });
}());
