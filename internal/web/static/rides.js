// rides pages: behaviour of their own, after app.js. Every page works
// without it: Start Trip is then a page of its own, with the same forms.
"use strict";

(function () {
  // Start Trip and End Trip belong in the profile's action bar. The bar is
  // the profile's own template, so the ride section's buttons move there;
  // without scripts they stay in the Recent rides section.
  const actions = document.querySelector("[data-ride-actions]");
  const bar = document.querySelector(".profile-head .head-actions");
  if (actions && bar) {
    bar.prepend(...Array.from(actions.children));
    actions.hidden = true;
  }

  // The Start Trip dialog. Its body is the Start Trip step of the server
  // (GET /customers/{id}/rides/new with X-Partial: ride-start): a vehicle
  // search whose buttons choose a vehicle, then the eligibility checklist
  // and the form that starts the trip, which submits as a page does.
  const dialog = document.getElementById("ride-start-dialog");
  const body = document.getElementById("ride-start-body");
  if (!dialog || !body || typeof dialog.showModal !== "function" || !window.fetch) { return; }
  const loadPartial = window.mobidesk.partialLoader(body, "ride-start");
  const searchURL = window.mobidesk.formURL;
  let timer = 0;

  // load puts the step at url into the dialog, then calls focus.
  function load(url, focus) {
    clearTimeout(timer);
    loadPartial(url, focus);
  }

  function focusSearch() {
    const input = body.querySelector("input[name=q]");
    if (input) {
      input.focus();
      input.setSelectionRange(input.value.length, input.value.length);
    }
  }

  function focusChecklist() {
    const target = body.querySelector("#ride-start-confirm:not([disabled])") || body.querySelector("#ride-check-title");
    if (target) {
      if (!target.matches("button")) { target.tabIndex = -1; }
      target.focus();
    } else {
      focusSearch();
    }
  }

  document.addEventListener("click", function (event) {
    const open = event.target.closest("[data-ride-start]");
    if (open) {
      event.preventDefault();
      body.innerHTML = "";
      dialog.showModal();
      load(open.getAttribute("href"), focusSearch);
      return;
    }
    if (event.target.closest("[data-ride-dialog-close]")) { dialog.close(); }
  });

  dialog.addEventListener("close", function () {
    clearTimeout(timer);
    loadPartial.abort();
  });

  // Typing searches after a pause; any keystroke drops an answer still on
  // its way, so that no answer overwrites newer typing.
  body.addEventListener("input", function (event) {
    const form = event.target.closest("form[data-ride-search]");
    if (!form || event.target.name !== "q") { return; }
    clearTimeout(timer);
    loadPartial.abort();
    timer = setTimeout(function () { load(searchURL(form), focusSearch); }, 250);
  });

  // Search and the vehicle buttons submit the search form: load its answer
  // in the dialog. Choosing a vehicle brings the checklist.
  body.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-ride-search]");
    if (!form) { return; }
    event.preventDefault();
    const chose = event.submitter && event.submitter.name === "vehicle";
    load(searchURL(form, event.submitter), chose ? focusChecklist : focusSearch);
  });
})();
