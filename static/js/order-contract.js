// The order form's 合同 choice: offer only the contracts of the customer chosen above (each
// option carries its customer in data-customer), and drop a choice the new customer does not
// have. The server checks the same rule (sales.contract_links); this only helps.
(function () {
  "use strict";

  var form = document.querySelector("[data-order-form]");
  if (!form) return;
  var customer = form.querySelector("select[name='customer']");
  var contract = form.querySelector("select[name='contract']");
  if (!customer || !contract) return;

  function sync() {
    var chosen = customer.value;
    contract.querySelectorAll("option[data-customer]").forEach(function (option) {
      var mine = chosen !== "" && option.getAttribute("data-customer") === chosen;
      option.hidden = !mine;
      option.disabled = !mine;
    });
    var selected = contract.options[contract.selectedIndex];
    if (selected && selected.disabled) contract.value = "";
  }

  customer.addEventListener("change", sync);
  sync();
})();
