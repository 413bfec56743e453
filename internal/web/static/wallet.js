// wallet pages: behaviour of their own, after app.js.
"use strict";

(function () {
  // Wallet action forms (form[data-wallet-action]) read the amount as the
  // operator types it, in their language (data-decimal, data-group), into
  // minor units of the currency (data-exp): exactly, with BigInt, never
  // through floating point. They put the amount and the balance before and
  // after (data-before, data-sign) into the message of the shared
  // confirmation dialog of app.js (data-confirm). Once the dialog is
  // confirmed the form says so (confirmed=yes); without scripts the server
  // asks for the confirmation on a page of its own instead.
  function format(form) {
    return {dec: form.dataset.decimal, group: form.dataset.group, exp: Number(form.dataset.exp),
      money: form.dataset.money};
  }

  function escapeRegExp(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  // parseMinor mirrors parseAmount in wallet_amount.go: group marks only
  // where they group thousands, at most exp decimals.
  function parseMinor(text, f) {
    const s = text.replace(/\s/g, "");
    const re = new RegExp("^(\\d+|\\d{1,3}(?:" + escapeRegExp(f.group) + "\\d{3})+)(?:" +
      escapeRegExp(f.dec) + "(\\d+))?$");
    const m = re.exec(s);
    if (!m) { return null; }
    const frac = m[2] || "";
    const whole = m[1].split(f.group).join("");
    if (frac.length > f.exp || whole.length > 15) { return null; }
    return BigInt(whole + frac.padEnd(f.exp, "0"));
  }

  // formatMinor writes money the way i18n.Money does: "€1,234.50",
  // "-1.234,50 €".
  function formatMinor(minor, f) {
    const neg = minor < 0n;
    let digits = (neg ? -minor : minor).toString();
    let frac = "";
    if (f.exp > 0) {
      digits = digits.padStart(f.exp + 1, "0");
      frac = f.dec + digits.slice(-f.exp);
      digits = digits.slice(0, -f.exp);
    }
    const whole = digits.replace(/\B(?=(\d{3})+(?!\d))/g, f.group);
    return (neg ? "-" : "") + f.money.replace("{n}", function () { return whole + frac; });
  }

  // check reads the amount, marks the field when it cannot be read, and
  // writes the confirmation; it returns the amount, or null.
  function check(form) {
    const input = form.elements.amount;
    const f = format(form);
    input.setCustomValidity("");
    if (input.value.trim() === "") { return null; }
    const minor = parseMinor(input.value, f);
    if (minor === null) {
      input.setCustomValidity(form.dataset.invalid);
      return null;
    }
    if (minor === 0n) {
      input.setCustomValidity(form.dataset.positive);
      return null;
    }
    const before = BigInt(form.dataset.before);
    const after = before + BigInt(form.dataset.sign) * minor;
    const values = {amount: formatMinor(minor, f), before: formatMinor(before, f), after: formatMinor(after, f)};
    form.dataset.confirm = form.dataset.confirmTemplate.replace(/\{(amount|before|after)\}/g,
      function (_, name) { return values[name]; });
    return minor;
  }

  document.querySelectorAll("form[data-wallet-action]").forEach(function (form) {
    form.elements.amount.addEventListener("input", function () { check(form); });
    if (form.elements.amount.value !== "") { check(form); }
  });

  // This listener captures the submit before app.js sees it, so that the
  // dialog always shows what is being sent.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-wallet-action")) { return; }
    if (form.dataset.confirmed === "yes") {
      form.elements.confirmed.value = "yes";
      return;
    }
    if (check(form) === null) {
      event.preventDefault();
      event.stopImmediatePropagation();
      form.elements.amount.reportValidity();
    }
  }, true);

  // A bulk wallet batch that is processing shows its progress: the page
  // asks for its batch region (X-Partial: batch) every second until the
  // batch is done. Without scripts a Refresh link does the same.
  const batch = document.querySelector("[data-batch-poll]");
  if (batch && window.fetch) {
    const load = window.mobidesk.partialLoader(batch, "batch");
    const poll = function () {
      const state = batch.querySelector("[data-batch-status]");
      if (!state || state.dataset.batchStatus !== "processing") { return; }
      setTimeout(function () { load(batch.dataset.batchPoll, poll); }, 1000);
    };
    poll();
  }
})();
