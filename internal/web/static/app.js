// mobidesk dashboard behaviour: small, dependency-free, and optional. Every
// page works without it; with it, confirmations use one shared dialog.
"use strict";

(function () {
  // Pages hide their fallbacks for browsers without scripts (the typed
  // confirmation field of a delete form) under html.js.
  document.documentElement.classList.add("js");

  // Shared confirmation dialog. A form with data-confirm="message" asks
  // first; with data-confirm-type="text" the operator must type that text
  // (data-confirm-label says what) before the confirm button works.
  const dialog = document.getElementById("confirm-dialog");
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm || form.dataset.confirmed === "yes") {
      return;
    }
    event.preventDefault();
    if (!dialog || typeof dialog.showModal !== "function") {
      if (window.confirm(form.dataset.confirm)) { submitConfirmed(form, event.submitter); }
      return;
    }
    document.getElementById("confirm-message").textContent = form.dataset.confirm;
    const typed = document.getElementById("confirm-typed");
    const input = document.getElementById("confirm-input");
    const ok = document.getElementById("confirm-ok");
    const expected = form.dataset.confirmType || "";
    typed.hidden = expected === "";
    input.value = "";
    document.getElementById("confirm-typed-label").textContent = form.dataset.confirmLabel || "";
    ok.disabled = expected !== "";
    input.oninput = function () { ok.disabled = input.value.trim() !== expected; };
    dialog.onclose = function () {
      if (dialog.returnValue === "ok") {
        const hidden = form.querySelector("input[name=confirm]");
        if (hidden) { hidden.value = input.value.trim(); }
        submitConfirmed(form, event.submitter);
      }
    };
    dialog.showModal();
    (expected ? input : ok).focus();
  });

  function submitConfirmed(form, submitter) {
    form.dataset.confirmed = "yes";
    form.requestSubmit(submitter || undefined);
  }

  // Forms marked data-autosubmit submit when a field changes (the
  // subaccount switcher).
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function () { form.requestSubmit(); });
  });

  // partialLoader returns load(url, done) for one region of a page: it
  // fetches url asking for that region only (X-Partial: name), drops an
  // answer a newer request has overtaken, and leaves a failed answer (an
  // expired session, an error) to the whole page. Page scripts share it
  // through window.mobidesk. load.abort() drops an answer on its way.
  function partialLoader(region, name) {
    let pending = null;
    function load(url, done) {
      if (pending) { pending.abort(); }
      const controller = new AbortController();
      pending = controller;
      region.setAttribute("aria-busy", "true");
      fetch(url, {headers: {"X-Partial": name}, credentials: "same-origin", signal: controller.signal})
        .then(function (response) {
          if (!response.ok || response.redirected) { throw new Error("HTTP " + response.status); }
          return response.text();
        })
        .then(function (html) {
          if (pending !== controller) { return; }
          pending = null;
          region.innerHTML = html;
          region.removeAttribute("aria-busy");
          if (done) { done(); }
        })
        .catch(function (error) {
          if (error.name === "AbortError") { return; }
          window.location.assign(url);
        });
    }
    load.abort = function () {
      if (pending) { pending.abort(); pending = null; }
    };
    return load;
  }

  // formURL is a GET form's address with its non-empty fields.
  function formURL(form, submitter) {
    const params = new URLSearchParams();
    new FormData(form, submitter || undefined).forEach(function (value, key) {
      if (typeof value === "string" && value.trim() !== "") { params.append(key, value.trim()); }
    });
    return form.getAttribute("action") + "?" + params.toString();
  }

  window.mobidesk = {partialLoader: partialLoader, formURL: formURL};

  // Instant search. A GET form marked data-live-search="ID" fetches its
  // own URL as the operator types (debounced) or changes a filter, asks
  // with X-Partial: results for the results region only, and puts it into
  // the element ID. The address follows with history.replaceState, so it
  // always holds every filter. Without scripts the form submits normally.
  document.querySelectorAll("form[data-live-search]").forEach(function (form) {
    const region = document.getElementById(form.dataset.liveSearch);
    if (!region || !window.fetch) { return; }
    const load = partialLoader(region, "results");
    let timer = 0;

    function refresh() {
      clearTimeout(timer);
      const url = formURL(form);
      load(url, function () { history.replaceState(history.state, "", url); });
    }

    form.addEventListener("input", function (event) {
      if (event.target.name === "q") {
        clearTimeout(timer);
        timer = setTimeout(refresh, 250);
      }
    });
    form.addEventListener("change", function (event) {
      if (event.target.name !== "q") { refresh(); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      refresh();
    });
  });

  // Bulk selection in tables marked data-selectable: the header checkbox
  // selects every visible row, and the bulk toolbar counts the selection.
  // Listeners sit on the document, so rows the instant search brings work.
  function selectionChanged(table) {
    const rows = table.querySelectorAll("input[data-select-row]");
    const checked = table.querySelectorAll("input[data-select-row]:checked").length;
    const all = table.querySelector("input[data-select-all]");
    if (all) {
      all.checked = checked > 0 && checked === rows.length;
      all.indeterminate = checked > 0 && checked < rows.length;
    }
    const bar = document.querySelector("[data-bulk-toolbar]");
    if (bar) {
      bar.hidden = checked === 0;
      bar.querySelector("[data-selected-count]").textContent = String(checked);
    }
  }
  document.addEventListener("change", function (event) {
    const box = event.target;
    const table = box instanceof HTMLInputElement ? box.closest("table[data-selectable]") : null;
    if (!table) { return; }
    if (box.matches("[data-select-all]")) {
      table.querySelectorAll("input[data-select-row]").forEach(function (row) { row.checked = box.checked; });
    }
    selectionChanged(table);
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-clear-selection]")) { return; }
    document.querySelectorAll("table[data-selectable]").forEach(function (table) {
      table.querySelectorAll("input[data-select-row], input[data-select-all]").forEach(function (box) { box.checked = false; });
      selectionChanged(table);
    });
  });

  // Dismissible flash messages.
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-dismiss]");
    if (button) { button.parentElement.remove(); }
  });
})();
