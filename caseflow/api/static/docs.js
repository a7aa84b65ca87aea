// Lists the operations of the OpenAPI document; no framework, no CDN, no inline script.
"use strict";

(function () {
  const main = document.getElementById("operations");
  const filter = document.getElementById("filter");

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    (children || []).forEach((c) => node.append(c));
    return node;
  }

  function refName(schema) {
    if (!schema) return "";
    if (schema.$ref) return schema.$ref.split("/").pop();
    if (schema.type === "array" && schema.items) return refName(schema.items) + "[]";
    return schema.type || "";
  }

  function operation(path, method, op) {
    const params = (op.parameters || []).map((p) =>
      el("li", {}, [el("code", {}, [p.name]), ` (${p.in}${p.required ? ", required" : ""}) `,
        p.description || ""]));
    const body = op.requestBody && Object.entries(op.requestBody.content || {}).map(([type, c]) =>
      el("li", {}, [el("code", {}, [type]), " ", refName(c.schema)]));
    const responses = Object.entries(op.responses || {}).map(([status, r]) =>
      el("li", {}, [el("strong", {}, [status]), " ", r.description || ""]));
    return el("details", {class: "op", "data-text": `${method} ${path} ${op.summary || ""}`}, [
      el("summary", {}, [el("span", {class: `method ${method}`}, [method.toUpperCase()]), " ",
        el("code", {}, [path]), " ", op.summary || ""]),
      el("p", {}, [op.description || ""]),
      params.length ? el("h4", {}, ["Parameters"]) : "", el("ul", {}, params),
      body ? el("h4", {}, ["Request body"]) : "", el("ul", {}, body || []),
      el("h4", {}, ["Responses"]), el("ul", {}, responses),
    ]);
  }

  fetch(main.dataset.spec).then((r) => r.json()).then((spec) => {
    document.getElementById("version").textContent = spec.info.version;
    main.replaceChildren();
    Object.entries(spec.paths).forEach(([path, ops]) => {
      Object.entries(ops).forEach(([method, op]) => {
        if (typeof op === "object" && op.responses) main.append(operation(path, method, op));
      });
    });
  }).catch((err) => { main.textContent = "Could not load the API description: " + err; });

  filter.addEventListener("input", () => {
    const q = filter.value.toLowerCase();
    document.querySelectorAll(".op").forEach((op) => {
      op.hidden = q !== "" && !op.dataset.text.toLowerCase().includes(q);
    });
  });
})();
