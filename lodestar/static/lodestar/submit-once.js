// Every form that changes something is sent once (core/idempotency.py is the server's half).
// Each POST form carries a `_submission` token; a second submit of the same form (a double
// click, Enter pressed twice) is dropped here, and if one still reaches the server — or the
// person goes back and submits the same page again — the server answers with what the first
// submission produced instead of doing the work twice.
(function () {
  var FIELD = "_submission";

  function newToken() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // Older browsers: 128 random bits as hex.
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function isPost(form) {
    return (form.getAttribute("method") || "").toLowerCase() === "post";
  }

  function tokenInput(form) {
    var input = form.querySelector('input[name="' + FIELD + '"]');
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = FIELD;
      form.appendChild(input);
    }
    return input;
  }

  function prepare(root) {
    var forms = root.matches && root.matches("form") ? [root] : [];
    if (root.querySelectorAll) forms = forms.concat(Array.from(root.querySelectorAll("form")));
    forms.forEach(function (form) {
      if (!isPost(form)) return;
      var input = tokenInput(form);
      if (!input.value) input.value = newToken();
    });
  }

  var HTMX = "[hx-post],[hx-put],[hx-patch],[hx-delete],[hx-get],[data-hx-post],[data-hx-put]," +
    "[data-hx-patch],[data-hx-delete],[data-hx-get]";

  function sentByHtmx(form) {
    return form.matches(HTMX) || Boolean(form.closest('[hx-boost="true"],[data-hx-boost="true"]'));
  }

  function submitButtons(form) {
    var inside = Array.from(form.querySelectorAll(
      'button:not([type="button"]):not([type="reset"]), input[type="submit"]'));
    var outside = form.id ? Array.from(document.querySelectorAll('[form="' + form.id + '"]')) : [];
    return inside.concat(outside);
  }

  function release(form, renew) {
    delete form.dataset.submitting;
    submitButtons(form).forEach(function (button) {
      if (button.dataset.submitOnceDisabled) {
        button.disabled = false;
        delete button.dataset.submitOnceDisabled;
      }
    });
    if (renew) tokenInput(form).value = newToken();
  }

  // Capture phase: runs before htmx's own submit handler, which it can therefore stop.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !isPost(form)) return;
    if (form.dataset.submitting) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    var input = tokenInput(form);
    if (!input.value) input.value = newToken();
    form.dataset.submitting = "true";
    // After this tick, so that the clicked button's name and value are still sent.
    window.setTimeout(function () {
      // Another script cancelled this submit (htmx cancels it to send the request itself).
      if (event.defaultPrevented && !sentByHtmx(form)) {
        release(form, false);
        return;
      }
      submitButtons(form).forEach(function (button) {
        if (!button.disabled) {
          button.disabled = true;
          button.dataset.submitOnceDisabled = "true";
        }
      });
    }, 0);
    // A form that leaves the page where it is (a download): usable again after a while.
    window.setTimeout(function () { release(form, false); }, 10000);
  }, true);

  // htmx: the form stays on the page; once answered it is a new submission next time.
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    var form = elt && (elt.tagName === "FORM" ? elt : elt.closest && elt.closest("form"));
    if (form && isPost(form)) release(form, true);
  });
  document.addEventListener("htmx:load", function (event) {
    if (event.detail && event.detail.elt) prepare(event.detail.elt);
  });

  // Back to a page kept in the browser's memory: the buttons work again, and the same token
  // lets the server recognise the same submission.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form").forEach(function (form) {
      if (form.dataset.submitting) release(form, false);
    });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { prepare(document); });
  } else {
    prepare(document);
  }
})();
