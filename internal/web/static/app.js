// mobidesk dashboard behaviour: small, dependency-free, and optional. Every
// page works without it; with it, confirmations use one shared dialog.
"use strict";

(function () {
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

  // Dismissible flash messages.
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-dismiss]");
    if (button) { button.parentElement.remove(); }
  });
})();
