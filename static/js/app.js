// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Add another row to a Django formset from its <template>.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-form]");
    if (!button) return;
    var prefix = button.getAttribute("data-add-form");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var template = document.getElementById(prefix + "-empty");
    var container = document.querySelector('.formset[data-prefix="' + prefix + '"]');
    if (!total || !template || !container) return;
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) return;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    container.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var first = container.lastElementChild.querySelector("input, select, textarea");
    if (first) first.focus();
  });

  // Ask before submitting forms marked as consequential.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // The menu button on narrow screens.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".nav-toggle");
    if (!toggle) return;
    var nav = document.getElementById(toggle.getAttribute("aria-controls"));
    var open = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", String(!open));
    if (nav) nav.classList.toggle("open", !open);
  });

  // Close the other menus when one opens.
  document.addEventListener("toggle", function (event) {
    var el = event.target;
    if (!(el instanceof HTMLDetailsElement) || !el.open || !el.classList.contains("menu")) return;
    document.querySelectorAll("details.menu[open]").forEach(function (other) {
      if (other !== el) other.open = false;
    });
  }, true);
})();
