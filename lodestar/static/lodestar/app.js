// Small behaviours shared by every page. No inline scripts: the CSP forbids them.
(function () {
  function currentTheme() {
    var explicit = document.documentElement.getAttribute("data-theme");
    if (explicit) return explicit;
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  function syncToggle() {
    document.querySelectorAll("[data-theme-toggle]").forEach(function (button) {
      button.setAttribute("aria-pressed", currentTheme() === "dark" ? "true" : "false");
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-theme-toggle]");
    if (!button) return;
    var next = currentTheme() === "dark" ? "light" : "dark";
    document.documentElement.setAttribute("data-theme", next);
    try { localStorage.setItem("lodestar-theme", next); } catch (e) { /* storage disabled */ }
    syncToggle();
  });
  // Rows added to a formset: clone the empty form and renumber it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-add]");
    if (!button) return;
    var prefix = button.getAttribute("data-formset-add");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty-form");
    var target = document.getElementById(prefix + "-forms");
    if (!total || !template || !target) return;
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    target.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var first = target.lastElementChild && target.lastElementChild.querySelector("select, input");
    if (first) first.focus();
  });
  document.addEventListener("DOMContentLoaded", syncToggle);

  // A table wider than the screen scrolls inside its .table-wrap. While it does, the wrap takes
  // the keyboard focus (arrow keys scroll it: WCAG 2.1.1) and is a region named after its
  // table's caption or its section's heading; when it fits again it leaves the tab order.
  function labelFor(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption && caption.textContent.trim()) return { text: caption.textContent.trim() };
    var section = wrap.closest("[aria-labelledby]");
    if (section) return { by: section.getAttribute("aria-labelledby") };
    var heading = document.querySelector("main h1");
    return heading ? { text: heading.textContent.trim() } : null;
  }
  function syncScrollable(wrap) {
    var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    if (scrolls && !wrap.hasAttribute("tabindex")) {
      var label = labelFor(wrap);
      wrap.setAttribute("tabindex", "0");
      if (label) {
        wrap.setAttribute("role", "region");
        if (label.by) wrap.setAttribute("aria-labelledby", label.by);
        else wrap.setAttribute("aria-label", label.text);
      }
      wrap.setAttribute("data-scrolls", "");
    } else if (!scrolls && wrap.hasAttribute("data-scrolls")) {
      ["tabindex", "role", "aria-label", "aria-labelledby", "data-scrolls"].forEach(function (a) {
        wrap.removeAttribute(a);
      });
    }
  }
  var watcher = "ResizeObserver" in window ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) { syncScrollable(entry.target); });
  }) : null;
  function watchTables(root) {
    (root || document).querySelectorAll(".table-wrap").forEach(function (wrap) {
      syncScrollable(wrap);
      if (watcher) watcher.observe(wrap);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { watchTables(document); });
  document.addEventListener("htmx:afterSettle", function (event) { watchTables(event.target); });
})();
