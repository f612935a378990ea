// The order form's line rows: remove a row in place (its Delete box is ticked and the row
// hidden, so the server removes it), and show each line's 总价 and the order's 合计 as
// quantities and prices are typed. The server computes the stored figures; this only helps.
(function () {
  "use strict";

  var form = document.querySelector("[data-order-form]");
  if (!form) return;

  function number(input) {
    var value = input ? parseFloat(input.value) : NaN;
    return isNaN(value) ? null : value;
  }

  function recompute() {
    var sum = 0;
    form.querySelectorAll(".order-line").forEach(function (row) {
      var out = row.querySelector("[data-line-total]");
      var removed = row.querySelector("input[name$='-DELETE']");
      if (removed && removed.checked) return;
      var qty = number(row.querySelector("input[name$='-quantity']"));
      var price = number(row.querySelector("input[name$='-unit_price']"));
      if (qty === null || price === null) {
        if (out) out.textContent = "—";
        return;
      }
      var cents = Math.round(qty * price * 100);
      sum += cents;
      if (out) out.textContent = (cents / 100).toFixed(2);
    });
    var total = form.querySelector("[data-order-total]");
    if (total) total.textContent = (sum / 100).toFixed(2);
  }

  form.addEventListener("input", recompute);
  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches && box.matches("input[name$='-DELETE']")) {
      var row = box.closest(".order-line");
      if (row) row.classList.toggle("removed", box.checked);
    }
    recompute();
  });
  // Rows added by the formset button (static/js/app.js) are picked up on the next input.
  recompute();
})();
